import type { ConsumedBatch } from '@sonar/kafka';
import type { Checkpoint, CommitResult, Corrupt } from '@sonar/store';

/**
 * Everything that happens to a trainer, as data: what Kafka hands it (assignments,
 * batches), the clock, a stop request, and the results of the effects it asked for.
 * Results name the generation or the epoch they belong to, so a late one is recognised.
 */
export type TrainerEvent =
  /** The consumer group gave this member these partitions (maybe none). */
  | { kind: 'assigned'; partitions: readonly number[] }
  | { kind: 'epoch-taken'; generation: number; epoch: number }
  /** The stored epoch, read to check that nobody took the model between two rebalances. */
  | { kind: 'epoch-read'; generation: number; epoch: number | undefined; error?: string }
  /**
   * The newest usable checkpoint (none for a new model); `skipped`: corrupt ones passed
   * over, `versionFloor`: the version the next checkpoint must pass.
   */
  | { kind: 'checkpoint-loaded'; generation: number; checkpoint: Checkpoint | undefined; earliest: ReadonlyMap<number, number>; skipped?: readonly Corrupt[]; versionFloor?: number }
  /** The stored checkpoint is corrupt and no usable one is in its history. */
  | { kind: 'checkpoint-unusable'; generation: number; skipped: readonly Corrupt[] }
  /** `refused`: Redis refused the request (credentials, ACL), which no retry mends. */
  | { kind: 'resume-failed'; generation: number; error: string; refused?: boolean }
  | { kind: 'retry-resume'; generation: number }
  /** `stale`: a seek made the batch obsolete before it was handled. */
  | { kind: 'batch'; batch: ConsumedBatch; stale: boolean }
  | { kind: 'tick' }
  | { kind: 'checkpoint-written'; epoch: number; version: number; result: WriteResult }
  | { kind: 'stop' };

export type WriteResult = CommitResult | { accepted: false; reason: 'failed'; error: string };

export const TICK: TrainerEvent = { kind: 'tick' };
export const STOP: TrainerEvent = { kind: 'stop' };
