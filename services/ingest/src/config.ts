import { z } from 'zod';
import { DEFAULT_MAX_READING_BYTES, DEFAULT_PORTS } from '@sonar/contracts';
import { checkConnection, connectionEnv, env, isLoopbackHost, parseEnv } from '@sonar/runtime';

const schema = z
  .object({
    ...connectionEnv,
    INGEST_HOST: z.string().default('127.0.0.1'),
    INGEST_PORT: env.int(0, 65535).default(DEFAULT_PORTS.ingest),
    /** When set, POST /readings needs `Authorization: Bearer <token>`. */
    INGEST_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
    /** Serve a non-loopback INGEST_HOST without INGEST_TOKEN: for a network that is private already. */
    INGEST_ALLOW_UNAUTHENTICATED: env.boolean().default(false),
    /** HTTPS: a certificate (chain) and its key, PEM. */
    INGEST_TLS_CERT_FILE: env.file().optional(),
    INGEST_TLS_KEY_FILE: env.file().optional(),
    INGEST_BODY_LIMIT: env.int(1024).default(1024 * 1024),
    INGEST_BATCH_MESSAGES: env.int(1, 100_000).default(1000),
    INGEST_LINGER_MS: env.int(0, 10_000).default(5),
    INGEST_ACK_TIMEOUT_MS: env.int(100).default(30_000),
    /** Readings per request at most (413 past it). */
    INGEST_MAX_READINGS: env.int(1).default(10_000),
    /** Readings accepted and not yet acknowledged by Kafka at most: past it, 503 at once with Retry-After. */
    INGEST_MAX_PENDING: env.int(1).default(20_000),
    /** The ids of the last this many readings written are remembered: a retry of them is acknowledged, not sent again (0: only of those still on their way). */
    INGEST_DEDUP_IDS: env.int(0, 10_000_000).default(200_000),
    MAX_READING_BYTES: env.int(1024).default(DEFAULT_MAX_READING_BYTES),
    /** How readings go onto Kafka, whichever way they came over HTTP: JSON, as posted, or Avro single-object records. */
    INGEST_FORMAT: z.enum(['json', 'avro']).default('json'),
  })
  .superRefine(checkConnection)
  .superRefine((value, ctx) => {
    // Anyone who can reach the port could write readings, and so steer the model.
    if (!isLoopbackHost(value.INGEST_HOST) && value.INGEST_TOKEN === undefined && !value.INGEST_ALLOW_UNAUTHENTICATED) {
      ctx.addIssue({
        code: 'custom',
        path: ['INGEST_HOST'],
        message: 'binds beyond loopback without INGEST_TOKEN: set INGEST_TOKEN, or INGEST_ALLOW_UNAUTHENTICATED=true to serve anyone who can reach it',
      });
    }
    if (Boolean(value.INGEST_TLS_CERT_FILE) !== Boolean(value.INGEST_TLS_KEY_FILE)) {
      ctx.addIssue({ code: 'custom', path: ['INGEST_TLS_CERT_FILE'], message: 'set INGEST_TLS_CERT_FILE and INGEST_TLS_KEY_FILE together' });
    }
  })
  .transform((value) => ({
    ...value,
    /** HTTPS when both files are given. */
    tls: value.INGEST_TLS_CERT_FILE && value.INGEST_TLS_KEY_FILE ? { cert: value.INGEST_TLS_CERT_FILE.text, key: value.INGEST_TLS_KEY_FILE.text } : undefined,
  }));

export type IngestConfig = z.infer<typeof schema>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env): IngestConfig {
  return parseEnv(schema, source);
}
