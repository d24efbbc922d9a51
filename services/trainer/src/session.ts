import type { Learner } from './learner/learner.ts';

/**
 * What this trainer holds right now. It trains only between an assignment
 * (which gives it an epoch and a learner resumed from the checkpoint) and the
 * moment it loses its partitions or finds itself fenced.
 */
export class TrainingSession {
  learner: Learner | undefined;
  epoch: number | undefined;
  partitions: number[] = [];
  /** Partitions of an assignment not yet acted upon. */
  pendingAssignment: number[] | undefined;
  /** A newer version appeared under our epoch (a rollback): resume from it. */
  reloadRequested = false;
  fenced = false;
  /** Offsets of the last checkpoint, to know whether a new one says anything new. */
  savedOffsets = '';
  lastCheckpointAt = 0;

  get active(): boolean {
    return this.learner !== undefined && !this.fenced;
  }

  assigned(partitions: number[]): void {
    this.pendingAssignment = partitions;
  }

  /** Drops the learner: its in-memory progress is not ours to save any more. */
  deactivate(reason: 'fenced' | 'revoked'): void {
    this.learner = undefined;
    if (reason === 'fenced') this.fenced = true;
  }
}
