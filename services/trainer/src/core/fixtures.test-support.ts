import type { KafkaMessage } from 'kafkajs';
import { encodeReadingJson, THETA_LENGTH } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import { initialState } from '@sonar/model';
import type { Checkpoint } from '@sonar/store';
import { Learner } from '../learner/learner.ts';
import type { CoreSettings } from './settings.ts';

/** Small, deterministic settings: mini-batches of 2, a checkpoint every 2 batches, none by time. */
export const SETTINGS: CoreSettings = {
  model: 'm',
  mode: 'exact',
  topic: 'readings',
  learner: { batchSize: 2, maxWaitMs: 0, optimizer: { optimizer: 'sgd', alpha: 0.5 }, costLimit: 100, accuracyWindow: 10, dedupWindow: 0 },
  hyperparameters: { optimizer: 'sgd', alpha: 0.5 },
  maxReadingBytes: 65_536,
  checkpointEvery: 2,
  checkpointIntervalMs: 0,
  writeRetryMs: 1000,
  resumeRetryMs: 1000,
  resumeAttempts: 3,
  unusableRetryMs: 5000,
  rejoinAfterMs: 30_000,
};

export const learner = (): Learner => new Learner(SETTINGS.learner, undefined, new Map([[0, 0], [1, 0]]));

/** A labeled reading as JSON, its first feature telling rock (high) from mine. */
export function readingValue(i: number, extra: { label?: 'R' | 'M' | undefined; holdout?: boolean } = {}): string {
  const features = new Float64Array(60).fill(0.1);
  features[0] = (i % 2) * 0.9;
  return encodeReadingJson({ id: `r${i}`, features, label: 'label' in extra ? extra.label : i % 2 ? 'R' : 'M', holdout: extra.holdout ?? false, ts: undefined });
}

/** A fetched batch of these values at consecutive offsets; `released` counts its releases. */
export function batchOf(partition: number, from: number, values: (string | Uint8Array | null)[], stale = false): ConsumedBatch & { released: number } {
  const messages = values.map((value, i) => ({ key: null, value: value === null ? null : typeof value === 'string' ? Buffer.from(value) : Buffer.from(value), offset: String(from + i), timestamp: '1795000000000', headers: {} }) as unknown as KafkaMessage);
  const batch = {
    topic: 'readings',
    partition,
    messages,
    highWatermark: String(from + values.length),
    released: 0,
    isStale: () => stale,
    release: () => {
      batch.released += 1;
    },
  };
  return batch;
}

export function checkpointOf(version: number, fields: Partial<Checkpoint> = {}): Checkpoint {
  return {
    model: 'm',
    version,
    state: initialState(SETTINGS.learner.optimizer, THETA_LENGTH),
    cost: 0.6,
    accuracy: 0.7,
    samples: version * 10,
    batches: version * 5,
    topic: 'readings',
    offsets: { '0': '40', '1': '12' },
    updatedAt: 1,
    hyperparameters: { optimizer: 'sgd' },
    ...fields,
  };
}
