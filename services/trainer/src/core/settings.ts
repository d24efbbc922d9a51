import type { LearnerSettings } from '../learner/learner.ts';

/** What the trainer's decisions depend on besides its state: configuration, fixed at start. */
export interface CoreSettings {
  model: string;
  /** exact: the trainer learns from the readings; parallel: the applier steps with the workers' gradients. */
  mode: 'exact' | 'parallel';
  /** What is consumed: the readings topic, or (parallel) the gradient topic. */
  topic: string;
  learner: LearnerSettings;
  hyperparameters: Record<string, unknown>;
  maxReadingBytes: number;
  /** Checkpoint once this many mini-batches are unsaved... */
  checkpointEvery: number;
  /** ...or after this long with unsaved progress (0: never by time). */
  checkpointIntervalMs: number;
  /** A failed checkpoint write is tried again after this long. */
  writeRetryMs: number;
  /** Redis or the broker may be away at an assignment: resume is tried this often... */
  resumeRetryMs: number;
  /** ...this many times, then the trainer gives up (exits non-zero for its supervisor). */
  resumeAttempts: number;
  /** A corrupt checkpoint with no usable one in its history is looked at again this often (an operator fixes it). */
  unusableRetryMs: number;
  /** A fenced trainer that still holds partitions rejoins the group after this long. */
  rejoinAfterMs: number;
}
