import { join } from 'node:path';
import { topicsEnv } from '@sonar/contracts';
import { portFree, startService, sonarHome, type ServiceName, type ServiceProcess } from '@sonar/stack';
import type { ConnectionEnv } from '@sonar/runtime';
import type { DemoNamespace } from './namespace.ts';

export interface DemoPorts {
  ingest: number;
  trainer: number;
  scorer: number;
}

/** Hyperparameters that converge on Sonar in a few dozen shuffled epochs (see the README's model section). */
export const DEMO_TRAINING = { TRAIN_OPTIMIZER: 'adam', TRAIN_ALPHA: '0.01', TRAIN_BATCH_SIZE: '16', TRAIN_CHECKPOINT_INTERVAL_MS: '1000' };

export async function startDemoServices(env: ConnectionEnv, ns: DemoNamespace, ports: DemoPorts): Promise<ServiceProcess[]> {
  for (const [service, port] of Object.entries(ports)) {
    if (!(await portFree(port))) {
      throw new Error(`port ${port} (${service}) is in use: stop what runs there, or set ${service.toUpperCase()}_PORT to another port`);
    }
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
  const specific: Record<ServiceName, Record<string, string>> = {
    ingest: { INGEST_PORT: String(ports.ingest) },
    trainer: { TRAINER_PORT: String(ports.trainer), ...DEMO_TRAINING },
    scorer: { SCORER_PORT: String(ports.scorer), SCORER_POLL_MS: '1000' },
  };
  return (['ingest', 'trainer', 'scorer'] as const).map((service) =>
    startService(service, { ...common, ...specific[service] }, join(sonarHome(), 'demo', `${service}.log`)),
  );
}
