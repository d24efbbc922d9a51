import type { RejectedRecord } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import type { Checkpoint } from '@sonar/store';
import type { BatchOutcome } from '../learner/learner.ts';
import type { TrainerEvent } from './events.ts';

/** What a batch did, for metrics and logs. */
export interface BatchReport {
  /** The batch's partition and its position after it (the next offset to read); none for a flush on a tick. */
  partition: number | undefined;
  position: number;
  outcomes: BatchOutcome[];
  rejected: RejectedRecord[];
  holdout: number;
  unlabeled: number;
  /** Readings whose id was seen within the dedup window: retries, not trained twice. */
  duplicates: number;
  /** Parallel mode: gradients of readings applied already (a zombie worker's), skipped. */
  repeats?: number;
  samples: number;
  accuracy: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * What the trainer asks the world to do. The interpreter performs them in order;
 * those that talk to Redis report back as events (see TrainerEvent).
 */
export type Effect =
  | { kind: 'take-epoch'; generation: number }
  | { kind: 'read-epoch'; generation: number }
  | { kind: 'load-checkpoint'; generation: number; partitions: readonly number[] }
  | { kind: 'seek'; partition: number; offset: number }
  /** Dead letters are acknowledged before the next effect: no checkpoint passes a record whose letter is not written. */
  | { kind: 'dead-letter'; partition: number; rejected: RejectedRecord[] }
  | { kind: 'write-checkpoint'; epoch: number; checkpoint: Checkpoint }
  /** The model event on the models topic, and the offsets committed to Kafka for lag monitoring (the update PUBLISH goes out with the write). */
  | { kind: 'announce'; checkpoint: Checkpoint }
  | { kind: 'release'; batch: ConsumedBatch }
  | { kind: 'report-batch'; report: BatchReport }
  | { kind: 'report-model'; version: number; samples: number }
  | { kind: 'count'; metric: 'fenced-write' | 'epoch-reestablished' | 'corrupt-checkpoint'; by?: number }
  | { kind: 'log'; level: LogLevel; message: string; fields?: Record<string, unknown> }
  | { kind: 'schedule'; ms: number; event: TrainerEvent }
  /** Leave the consumer group and join it again, so that the group decides who trains. */
  | { kind: 'rejoin' }
  | { kind: 'fail'; message: string }
  | { kind: 'done' };

export const log = (level: LogLevel, message: string, fields?: Record<string, unknown>): Effect => ({ kind: 'log', level, message, ...(fields ? { fields } : {}) });
