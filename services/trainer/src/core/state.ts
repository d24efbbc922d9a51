import type { Checkpoint } from '@sonar/store';
import type { Learner, LearnerSnapshot } from '../learner/learner.ts';

/** A checkpoint write under way: its answer is matched by epoch and version. */
export interface Writing {
  epoch: number;
  version: number;
  snapshot: LearnerSnapshot;
  checkpoint: Checkpoint;
}

/**
 * The trainer's lifecycle. `generation` counts the resumes begun (one per assignment,
 * and one per reload after a rollback), so the answer to a request made for an
 * earlier one is recognised and ignored.
 */
export type TrainerState =
  /** No partitions: another member trains, or none are assigned yet. */
  | { kind: 'standby'; generation: number }
  /** Partitions assigned: taking an epoch, then loading the checkpoint to seek to. */
  | { kind: 'resuming'; generation: number; partitions: readonly number[]; epoch: number | undefined; attempt: number; problem?: string }
  | {
      kind: 'active';
      generation: number;
      partitions: readonly number[];
      epoch: number;
      learner: Learner;
      writing: Writing | undefined;
      lastSavedAt: number;
      /** After a failed write, none is tried before this time. */
      retryWriteAt: number;
    }
  /** A newer epoch was stored: another trainer owns the model, though the group may still say otherwise. */
  | { kind: 'fenced'; generation: number; partitions: readonly number[]; since: number; rejoined: boolean }
  /** Stop requested with progress to save: the last write under way, or about to be made. */
  | { kind: 'stopping'; epoch: number; learner: Learner; writing: Writing | undefined; retryWriteAt: number }
  | { kind: 'stopped' };

export type StateKind = TrainerState['kind'];
export const STATE_KINDS: readonly StateKind[] = ['standby', 'resuming', 'active', 'fenced', 'stopping', 'stopped'];

export const INITIAL_STATE: TrainerState = { kind: 'standby', generation: 0 };

/** The epoch this trainer announces to the group's assignor: 0 unless it trains. */
export function activeEpoch(state: TrainerState): number {
  return state.kind === 'active' ? state.epoch : 0;
}

export function generationOf(state: TrainerState): number {
  return 'generation' in state ? state.generation : 0;
}
