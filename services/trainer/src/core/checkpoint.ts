import type { Checkpoint } from '@sonar/store';
import type { Learner } from '../learner/learner.ts';
import type { Effect } from './effects.ts';
import type { CoreSettings } from './settings.ts';
import type { TrainerState, Writing } from './state.ts';

type Active = Extract<TrainerState, { kind: 'active' }>;

/** Every N unsaved mini-batches, or after a quiet interval with anything unsaved; one write at a time. */
export function checkpointDue(state: Active, settings: CoreSettings, now: number): boolean {
  const { learner } = state;
  if (state.writing || now < state.retryWriteAt || !learner.hasUnsaved) return false;
  if (learner.unsavedBatches >= settings.checkpointEvery) return true;
  return settings.checkpointIntervalMs > 0 && now - state.lastSavedAt >= settings.checkpointIntervalMs;
}

/** A write of what the learner holds now; training goes on while it is under way. */
export function startWrite(learner: Learner, epoch: number, settings: CoreSettings, now: number): { writing: Writing; effect: Effect } {
  const snapshot = learner.snapshot();
  const checkpoint: Checkpoint = {
    model: settings.model,
    version: snapshot.version,
    state: snapshot.state,
    cost: snapshot.cost,
    accuracy: snapshot.accuracy,
    samples: snapshot.samples,
    batches: snapshot.batches,
    topic: settings.topic,
    offsets: snapshot.offsets,
    ...(snapshot.sourceOffsets ? { sourceOffsets: snapshot.sourceOffsets } : {}),
    ...(snapshot.drifts > 0 ? { drifts: snapshot.drifts } : {}),
    updatedAt: now,
    hyperparameters: settings.hyperparameters,
  };
  return { writing: { epoch, version: snapshot.version, snapshot, checkpoint }, effect: { kind: 'write-checkpoint', epoch, checkpoint } };
}
