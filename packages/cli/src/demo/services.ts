import { join } from 'node:path';
import { topicsEnv } from '@sonar/contracts';
import { portFree, startService, sonarHome, type ServiceName, type ServiceProcess } from '@sonar/stack';
import type { ConnectionEnv } from '@sonar/runtime';
import type { DemoNamespace } from './namespace.ts';

export interface DemoPorts {
  ingest: number;
  trainer: number;
  scorer: number;
  /** Parallel mode's gradient workers, worker i + 1 on the i-th (none: exact mode, the trainer alone). */
  workers: number[];
  /** `--shadow`: the challenger's trainer. */
  challenger?: number | undefined;
}

/** Hyperparameters that converge on Sonar in a few dozen shuffled epochs (see the README's model section). */
export const DEMO_TRAINING = { TRAIN_OPTIMIZER: 'adam', TRAIN_ALPHA: '0.01', TRAIN_BATCH_SIZE: '16', TRAIN_CHECKPOINT_INTERVAL_MS: '1000' };

/**
 * `--shadow`'s serving trainer: plain sgd at the derivation's α (`sonar fit`'s 0.1), with adam
 * (DEMO_TRAINING) as the challenger. 100 epochs in batches of 16 are about the derivation's 1000
 * steps, and land near its holdout accuracy (76-79 % against 78.6 %); adam's is higher (85.7 %).
 */
export const SERVING_SGD_TRAINING = { ...DEMO_TRAINING, TRAIN_OPTIMIZER: 'sgd', TRAIN_ALPHA: '0.1' };

/**
 * Parallel mode's workers also send a partial mini-batch this old: each of them holds a partition's
 * last few readings otherwise, so the model would miss up to 15 readings per partition.
 */
export const DEMO_WORKER_MAX_WAIT_MS = '500';

/** Worker i + 1's name, in its gradient records and in the applier's per-worker metrics. */
export const demoWorkerId = (index: number) => `w${index + 1}`;

/** With a challenger (its namespace and ports.challenger), the scorer scores it as its shadow model, and the serving trainer runs sgd. */
export async function startDemoServices(env: ConnectionEnv, ns: DemoNamespace, ports: DemoPorts, challengerNs?: DemoNamespace): Promise<ServiceProcess[]> {
  const challenger = challengerNs && ports.challenger !== undefined ? { ns: challengerNs, port: ports.challenger } : undefined;
  const named: [string, number, string][] = [
    ['ingest', ports.ingest, 'INGEST_PORT'],
    ['trainer', ports.trainer, 'TRAINER_PORT'],
    ['scorer', ports.scorer, 'SCORER_PORT'],
    ...ports.workers.map((port, i): [string, number, string] => [`gradient worker ${demoWorkerId(i)}`, port, 'TRAINER_WORKER_PORTS']),
    ...(challenger ? [['challenger trainer', challenger.port, 'TRAINER_SHADOW_PORT'] as [string, number, string]] : []),
  ];
  for (const [service, port, variable] of named) {
    if (!(await portFree(port))) throw new Error(`port ${port} (${service}) is in use: stop what runs there, or set ${variable} to another port`);
  }
  const common = {
    KAFKA_BROKERS: env.KAFKA_BROKERS.join(','),
    REDIS_URL: env.REDIS_URL,
    REDIS_PREFIX: env.REDIS_PREFIX,
    SONAR_MODEL: ns.model,
    ...topicsEnv(ns.topics),
    TOPIC_PARTITIONS: String(env.TOPIC_PARTITIONS),
    LOG_LEVEL: env.LOG_LEVEL,
  };
  const parallel = ports.workers.length > 0;
  const specific: Record<ServiceName, Record<string, string>> = {
    ingest: { INGEST_PORT: String(ports.ingest) },
    // In parallel mode the trainer is the applier of the workers' gradients.
    trainer: { TRAINER_PORT: String(ports.trainer), ...(challenger ? SERVING_SGD_TRAINING : DEMO_TRAINING), ...(parallel ? { TRAINER_ROLE: 'applier' } : {}) },
    scorer: { SCORER_PORT: String(ports.scorer), SCORER_POLL_MS: '1000', ...(challenger ? { SCORER_SHADOW_MODEL: challenger.ns.model } : {}) },
  };
  const log = (name: string) => join(sonarHome(), 'demo', `${name}.log`);
  return [
    ...(['ingest', 'trainer', 'scorer'] as const).map((service) => startService(service, { ...common, ...specific[service] }, log(service))),
    ...ports.workers.map((port, i) =>
      startService(
        'trainer',
        { ...common, ...DEMO_TRAINING, TRAINER_PORT: String(port), TRAINER_ROLE: 'worker', TRAINER_WORKER_ID: demoWorkerId(i), TRAIN_BATCH_MAX_WAIT_MS: DEMO_WORKER_MAX_WAIT_MS },
        log(`worker-${i + 1}`),
        `worker ${demoWorkerId(i)}`,
      ),
    ),
    ...(challenger
      ? [startService('trainer', { ...common, SONAR_MODEL: challenger.ns.model, ...topicsEnv(challenger.ns.topics), ...DEMO_TRAINING, TRAINER_PORT: String(challenger.port) }, log('trainer-challenger'), 'challenger trainer')]
      : []),
  ];
}
