import { z } from 'zod';
import { DEFAULT_PORTS } from '@sonar/contracts';
import { checkConnection, connectionEnv, recordLimitsEnv, env, parseEnv } from '@sonar/runtime';

const schema = z
  .object({
    ...connectionEnv,
    ...recordLimitsEnv,
    SCORER_HOST: z.string().default('127.0.0.1'),
    SCORER_PORT: env.int(0, 65535).default(DEFAULT_PORTS.scorer),
    /** Kafka transactions: read_committed consumers see exactly one event per reading. */
    SCORER_EXACTLY_ONCE: env.boolean().default(false),
    /** Pub/sub messages are lost across reconnects, so the scorer also polls for new versions. */
    SCORER_POLL_MS: env.int(100).default(2000),
    SCORER_ACCURACY_WINDOW: env.int(1).default(500),
    SCORER_SESSION_TIMEOUT_MS: env.int(1000).default(30_000),
    SCORER_HEARTBEAT_MS: env.int(100).default(3000),
    SCORER_BATCH_MESSAGES: env.int(1, 100_000).default(2000),
    SCORER_LINGER_MS: env.int(0, 10_000).default(2),
    /** How events are written: JSON (readable by any consumer, the default) or Avro single-object encoding (schemas/classified.avsc). */
    SCORER_EVENT_FORMAT: z.enum(['json', 'avro']).default('json'),
    /** Fetched batches waiting ahead of the one being scored: fetching overlaps scoring (0: it waits). */
    SCORER_PREFETCH_BATCHES: env.int(0, 8).default(1),
    /** Events unacknowledged (or transactions failing) this long: Kafka counts as down, the scorer not ready. */
    SCORER_KAFKA_STUCK_MS: env.int(100).default(10_000),
    /** ...and this long, the scorer gives its partitions up (exits non-zero for its supervisor). */
    SCORER_GIVE_UP_MS: env.int(1000).default(60_000),
    /** Page–Hinkley over each holdout reading's hit or miss: λ (0: no drift detection). */
    SCORER_DRIFT_THRESHOLD: env.number().default(50),
    /** Shadow scoring: every reading is also scored with this model (its newest version), for metrics only; the events stay the serving model's. */
    SCORER_SHADOW_MODEL: z.string().regex(/^[A-Za-z0-9._{}-]{1,128}$/, 'a model name: letters, digits, . _ - { }').optional(),
    /** With SCORER_SHADOW_MODEL: a version of its history to pin instead of following its newest (the shadow model may be SONAR_MODEL itself). */
    SCORER_SHADOW_VERSION: env.int(1).optional(),
  })
  .superRefine(checkConnection)
  .superRefine((config, ctx) => {
    if (config.SCORER_SHADOW_VERSION !== undefined && config.SCORER_SHADOW_MODEL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SCORER_SHADOW_VERSION'], message: 'pins a version of SCORER_SHADOW_MODEL: set that too (to SONAR_MODEL for an older version of the serving model)' });
    }
    if (config.SCORER_SHADOW_MODEL === config.SONAR_MODEL && config.SCORER_SHADOW_VERSION === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SCORER_SHADOW_MODEL'], message: 'is the serving model: pin one of its versions with SCORER_SHADOW_VERSION, or name another model' });
    }
  });

export type ScorerConfig = z.infer<typeof schema>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env): ScorerConfig {
  return parseEnv(schema, source);
}
