import { z } from 'zod';
import { OPTIMIZER_NAMES, SCHEDULES, validateOptimizerConfig, type OptimizerConfig } from '@sonar/model';
import { DEFAULT_PORTS } from '@sonar/contracts';
import { checkConnection, connectionEnv, recordLimitsEnv, env, parseEnv, ConfigError } from '@sonar/runtime';
import type { CoreSettings } from './core/settings.ts';

const schema = z
  .object({
    ...connectionEnv,
    ...recordLimitsEnv,
    TRAINER_HOST: z.string().default('127.0.0.1'),
    TRAINER_PORT: env.int(0, 65535).default(DEFAULT_PORTS.trainer),
    TRAIN_ALPHA: env.positive().default(0.1),
    TRAIN_BATCH_SIZE: env.int(1, 100_000).default(32),
    TRAIN_BATCH_MAX_WAIT_MS: env.int(0).default(0),
    TRAIN_OPTIMIZER: z.enum(OPTIMIZER_NAMES as [string, ...string[]]).default('sgd'),
    TRAIN_MOMENTUM: env.number().default(0.9),
    TRAIN_NESTEROV: env.boolean().default(false),
    TRAIN_SCHEDULE: z.enum(SCHEDULES as [string, ...string[]]).default('constant'),
    TRAIN_L2: env.number().default(0),
    /** Serve the Polyak–Ruppert average of the iterates (as scikit-learn's SGDClassifier(average=True)) instead of the last one. */
    TRAIN_AVERAGE: env.boolean().default(false),
    /** With TRAIN_AVERAGE: the optimizer step the average starts at (1: from the first). */
    TRAIN_AVERAGE_FROM: env.int(1).default(1),
    /** Page–Hinkley over each mini-batch's progressive cost (off: no detection). */
    TRAIN_DRIFT: z.enum(['page-hinkley', 'off']).default('page-hinkley'),
    /** λ of the detector, in units of batch cost (calibrated for batches of 32: none in 100 stationary epochs of Sonar over 10 seeds). */
    TRAIN_DRIFT_THRESHOLD: env.positive().default(5),
    TRAIN_DRIFT_DELTA: env.number().default(0.005),
    /** reset-schedule: after a detected drift, restart the schedule, the moments and the average, to adapt fast. */
    TRAIN_ON_DRIFT: z.enum(['none', 'reset-schedule']).default('none'),
    /** Default 10 mini-batches; in parallel mode 1 (a write as soon as the one before is done): workers learn sooner what was applied. */
    TRAIN_CHECKPOINT_EVERY: env.int(1).optional(),
    TRAIN_CHECKPOINT_INTERVAL_MS: env.int(0).default(5000),
    TRAIN_COST_LIMIT: env.positive().default(50),
    TRAIN_ACCURACY_WINDOW: env.int(1).default(500),
    TRAIN_HISTORY: env.int(1, 10_000).default(100),
    /** A reading id seen again within this many offsets of its partition (up to twice as many) is a retry: not trained twice (0: off). */
    TRAIN_DEDUP_WINDOW: env.int(0, 10_000_000).default(10_000),
    TRAINER_SESSION_TIMEOUT_MS: env.int(1000).default(30_000),
    TRAINER_HEARTBEAT_MS: env.int(100).default(3000),
    TRAINER_FETCH_PARTITION_BYTES: env.int(16 * 1024).default(1024 * 1024),
    /** Fetched batches waiting ahead of the one being learnt: fetching overlaps learning (0: it waits). */
    TRAINER_PREFETCH_BATCHES: env.int(0, 8).default(1),
    /** Holding partitions with Redis down or stuck this long, the trainer gives them up (exits non-zero). */
    TRAINER_GIVE_UP_MS: env.int(1000).default(60_000),
    /** exact: one active trainer, bit-identical across crashes; parallel: gradient workers and one applier. */
    TRAIN_MODE: z.enum(['exact', 'parallel']).optional(),
    /** Parallel mode: which role this process plays (`sonar trainer --role`). */
    TRAINER_ROLE: z.enum(['worker', 'applier']).optional(),
    /** Parallel mode: a worker does not send a gradient computed at a model more than this many versions behind the newest it knows. */
    TRAIN_MAX_STALENESS: env.int(0, 1_000_000).default(4),
    /**
     * Parallel mode: gradients per partition a worker may have sent that the model it holds does not reflect yet.
     * A gradient is then at most about partitions × this many steps old: 1 keeps SGD at alpha 0.1 on the Sonar data as good as exact mode.
     */
    TRAIN_WORKER_AHEAD: env.int(1, 100_000).default(1),
    /** Parallel mode: the worker's name in gradient records and the applier's per-worker metrics (default host-pid). */
    TRAINER_WORKER_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only (1 to 64)').optional(),
  })
  .superRefine(checkConnection);

export type TrainerEnv = z.infer<typeof schema>;

export interface TrainerConfig extends Omit<TrainerEnv, 'TRAIN_MODE' | 'TRAIN_CHECKPOINT_EVERY'> {
  optimizer: OptimizerConfig;
  TRAIN_MODE: 'exact' | 'parallel';
  TRAIN_CHECKPOINT_EVERY: number;
}

/** The trainer's configuration, validated once at start with every problem reported together. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): TrainerConfig {
  const parsed = parseEnv(schema, source);
  const optimizer: OptimizerConfig = {
    optimizer: parsed.TRAIN_OPTIMIZER as OptimizerConfig['optimizer'],
    alpha: parsed.TRAIN_ALPHA,
    schedule: parsed.TRAIN_SCHEDULE as OptimizerConfig['schedule'],
    l2: parsed.TRAIN_L2,
    momentum: parsed.TRAIN_MOMENTUM,
    nesterov: parsed.TRAIN_NESTEROV,
    ...(parsed.TRAIN_AVERAGE ? { averageFrom: parsed.TRAIN_AVERAGE_FROM } : {}),
  };
  const problems = validateOptimizerConfig(optimizer).map((p) => `TRAIN_*: ${p}`);
  if (parsed.TRAINER_HEARTBEAT_MS * 3 > parsed.TRAINER_SESSION_TIMEOUT_MS) {
    problems.push('TRAINER_HEARTBEAT_MS should be at most a third of TRAINER_SESSION_TIMEOUT_MS');
  }
  // A role means parallel mode; parallel mode needs a role.
  const mode = parsed.TRAIN_MODE ?? (parsed.TRAINER_ROLE ? 'parallel' : 'exact');
  if (mode === 'exact' && parsed.TRAINER_ROLE) problems.push(`TRAINER_ROLE=${parsed.TRAINER_ROLE} is a role of parallel mode, but TRAIN_MODE is exact`);
  if (mode === 'parallel' && !parsed.TRAINER_ROLE) problems.push('TRAIN_MODE=parallel: give each process a role, worker or applier (sonar trainer --role worker|applier, or TRAINER_ROLE)');
  if (mode === 'parallel' && optimizer.optimizer === 'momentum' && optimizer.nesterov) {
    problems.push('TRAIN_NESTEROV: Nesterov momentum takes its gradient at a look-ahead point the workers never see; not available in parallel mode');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...parsed, optimizer, TRAIN_MODE: mode, TRAIN_CHECKPOINT_EVERY: parsed.TRAIN_CHECKPOINT_EVERY ?? (mode === 'parallel' ? 1 : 10) };
}

/** What the trainer's core decides with: the configuration of its learner and its checkpoints. */
export function coreSettings(config: TrainerConfig, topic: string): CoreSettings {
  return {
    model: config.SONAR_MODEL,
    mode: config.TRAIN_MODE,
    topic,
    learner: {
      batchSize: config.TRAIN_BATCH_SIZE,
      maxWaitMs: config.TRAIN_BATCH_MAX_WAIT_MS,
      optimizer: config.optimizer,
      costLimit: config.TRAIN_COST_LIMIT,
      accuracyWindow: config.TRAIN_ACCURACY_WINDOW,
      dedupWindow: config.TRAIN_DEDUP_WINDOW,
      drift: config.TRAIN_DRIFT === 'off' ? undefined : { threshold: config.TRAIN_DRIFT_THRESHOLD, delta: config.TRAIN_DRIFT_DELTA, onDrift: config.TRAIN_ON_DRIFT },
    },
    hyperparameters: hyperparameters(config),
    maxReadingBytes: config.MAX_READING_BYTES,
    checkpointEvery: config.TRAIN_CHECKPOINT_EVERY,
    checkpointIntervalMs: config.TRAIN_CHECKPOINT_INTERVAL_MS,
    writeRetryMs: 1000,
    resumeRetryMs: 1000,
    resumeAttempts: 60,
    unusableRetryMs: 5000,
    // A fenced member normally hears of the rebalance at its next heartbeat; past a session it asks for one.
    rejoinAfterMs: config.TRAINER_SESSION_TIMEOUT_MS,
  };
}

/** Recorded with every checkpoint, so a model says how it was trained. */
export function hyperparameters(config: TrainerConfig): Record<string, unknown> {
  return {
    mode: config.TRAIN_MODE,
    optimizer: config.TRAIN_OPTIMIZER,
    alpha: config.TRAIN_ALPHA,
    schedule: config.TRAIN_SCHEDULE,
    batchSize: config.TRAIN_BATCH_SIZE,
    batchMaxWaitMs: config.TRAIN_BATCH_MAX_WAIT_MS,
    l2: config.TRAIN_L2,
    ...(config.TRAIN_OPTIMIZER === 'momentum' ? { momentum: config.TRAIN_MOMENTUM, nesterov: config.TRAIN_NESTEROV } : {}),
    ...(config.TRAIN_AVERAGE ? { averageFrom: config.TRAIN_AVERAGE_FROM } : {}),
    ...(config.TRAIN_ON_DRIFT !== 'none' ? { onDrift: config.TRAIN_ON_DRIFT } : {}),
  };
}
