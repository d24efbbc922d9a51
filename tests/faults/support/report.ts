import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sonarHome } from '@sonar/stack';

/** What a scenario injected and what held (a row is reported only once every check held: a broken one fails the suite). */
export interface FaultRow {
  fault: string;
  injected: string;
  recovery?: string;
  held: string;
}

/** The suite's report: what was injected and what held, printed at the end and kept as JSON. */
export class FaultReport {
  readonly rows: FaultRow[] = [];

  add(row: FaultRow): void {
    this.rows.push(row);
    process.stdout.write(`[faults] held: ${row.fault}: ${row.injected}${row.recovery ? `; recovery ${row.recovery}` : ''}; ${row.held}\n`);
  }

  write(mode: string): string {
    const file = join(sonarHome(), 'faults', `report-${mode}.json`);
    mkdirSync(join(sonarHome(), 'faults'), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ mode, date: new Date().toISOString(), rows: this.rows }, null, 2)}\n`);
    const widths = [28, 60];
    const lines = this.rows.map((r) => `held   ${r.fault.padEnd(widths[0]!)} ${r.injected}${r.recovery ? ` | recovery ${r.recovery}` : ''}\n${' '.repeat(7 + widths[0]! + 1)}${r.held}`);
    process.stdout.write(`\nfault-injection report (${mode})\n${lines.join('\n')}\nreport: ${file}\n`);
    return file;
  }
}

/** Short in CI; SONAR_FAULTS=long for the long form; SONAR_FAULTS=ha for the HA stack's scenarios (with `-t HA:` alone). */
export const LONG = process.env.SONAR_FAULTS === 'long';
export const HA = LONG || process.env.SONAR_FAULTS === 'ha';
export const MODE = LONG ? 'long' : process.env.SONAR_FAULTS === 'ha' ? 'ha' : 'short';
