import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Who authenticates to the secured stack: the operator, the broker itself, and each service. */
export const PRINCIPALS = ['admin', 'broker', 'ingest', 'trainer', 'scorer'] as const;
export type Principal = (typeof PRINCIPALS)[number];

export type Credentials = Record<Principal, string>;

/**
 * The passwords of the secured stack, generated once and kept only in this file (mode 0600):
 * the broker stores SCRAM keys derived from them, Redis their SHA-256.
 */
export class CredentialsFile {
  constructor(readonly path: string) {}

  get exists(): boolean {
    return existsSync(this.path);
  }

  /** Generates the passwords when there is no file yet. */
  create(): Credentials {
    const credentials = Object.fromEntries(PRINCIPALS.map((name) => [name, randomBytes(24).toString('base64url')])) as Credentials;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite passwords a formatted broker already knows.
    writeFileSync(this.path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return credentials;
  }

  read(): Credentials {
    if (!this.exists) throw new Error(`no credentials at ${this.path}: run \`sonar stack up --secure\` first`);
    if ((statSync(this.path).mode & 0o077) !== 0) throw new Error(`${this.path} is readable by others: chmod 600 it`);
    const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<Credentials>;
    const missing = PRINCIPALS.filter((name) => typeof parsed[name] !== 'string');
    if (missing.length > 0) throw new Error(`${this.path} has no password for ${missing.join(', ')}`);
    return parsed as Credentials;
  }
}
