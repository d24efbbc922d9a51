import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isSecretSetting, redactUrl } from './failure/redact.ts';

/** Every problem with a service's environment, reported together rather than one per restart. */
export class ConfigError extends Error {
  readonly code = 'SONAR_CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment with a schema, once, at start. */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv = process.env): z.infer<Schema> {
  // Treat VAR= like an unset variable, so defaults apply.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}${received(present, issue.path)}`),
  );
}

/** The value given, for the problem line; a secret only by its length, a URL without its password. */
function received(env: Record<string, unknown>, path: PropertyKey[]): string {
  const key = path[0];
  if (typeof key !== 'string' || !(key in env)) return '';
  const value = String(env[key]);
  return isSecretSetting(key) ? ` (got ${value.length} characters)` : ` (got ${JSON.stringify(redactUrl(value))})`;
}

/** A file a setting names, read once at start. */
export interface SettingFile {
  path: string;
  text: string;
}

/** Environment values are strings: these read numbers and booleans strictly. */
export const env = {
  int: (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max),
  number: () => z.coerce.number().refine(Number.isFinite, 'must be a finite number'),
  positive: () => z.coerce.number().refine((v) => Number.isFinite(v) && v > 0, 'must be a finite number > 0'),
  boolean: () =>
    z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
  /** The path of a file, read now: a missing or unreadable one is a problem of the configuration. */
  file: () =>
    z.string().transform((path, ctx): SettingFile => {
      try {
        return { path, text: readFileSync(path, 'utf8') };
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
        return z.NEVER;
      }
    }),
  list: () =>
    z
      .string()
      .transform((v) => v.split(',').map((item) => item.trim()).filter(Boolean))
      .refine((items) => items.length > 0, 'must list at least one item'),
};
