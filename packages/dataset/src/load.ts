import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LabeledRow } from '@sonar/model';
import { parseSonarFile } from './parse.ts';

export const SONAR_CSV_SHA256 = 'e90434cdbf00fcf93ffa911fe447ae25606979658e60f1d32e155c3b5240234d';

/** The shipped UCI Sonar file. */
export const SONAR_CSV_PATH = fileURLToPath(new URL('../data/sonar.csv', import.meta.url));

/** Rows of a sonar file (the shipped one by default; its checksum is verified). */
export function loadSonar(path: string = SONAR_CSV_PATH): LabeledRow[] {
  const bytes = readFileSync(path);
  if (path === SONAR_CSV_PATH) {
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== SONAR_CSV_SHA256) throw new Error(`${path} is damaged: sha256 ${digest}, expected ${SONAR_CSV_SHA256}`);
  }
  return parseSonarFile(bytes.toString('utf8'));
}

/** The text of each data line, as kcat -P or `sonar produce --format csv` would send it. */
export function sonarLines(path: string = SONAR_CSV_PATH): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim().length > 0);
}
