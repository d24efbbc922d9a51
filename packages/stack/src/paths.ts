import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root: the nearest folder above this file holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sonar-stream workspace root (pnpm-workspace.yaml)');
    dir = parent;
  }
  return dir;
}

/** Where the local stack keeps jars, data, logs and pid files: SONAR_HOME, or .sonar/ in the repo. */
export function sonarHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.SONAR_HOME ? resolve(env.SONAR_HOME) : join(repoRoot(), '.sonar');
}
