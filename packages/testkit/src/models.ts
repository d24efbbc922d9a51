import { THETA_LENGTH } from '@sonar/contracts';
import { loadSonar } from '@sonar/dataset';
import { fit, initialState } from '@sonar/model';
import { eventually } from '@sonar/runtime';
import { CheckpointStore, type Checkpoint } from '@sonar/store';
import type { RunScope } from './scope.ts';

/** The checkpoint store of a model of this run. */
export function checkpointStore(scope: RunScope, model = scope.model): CheckpointStore {
  return new CheckpointStore(scope.redis, model, scope.redisPrefix);
}

/** The model's checkpoint once it has trained on at least `samples` readings. */
export function trained(scope: RunScope, samples: number, model = scope.model, timeoutMs = 90_000): Promise<Checkpoint> {
  const checkpoints = checkpointStore(scope, model);
  return eventually(async () => {
    const checkpoint = await checkpoints.load();
    return checkpoint && checkpoint.samples >= samples ? checkpoint : undefined;
  }, timeoutMs, `${samples} samples trained by ${model}`);
}

/** A trained theta to serve: the derivation's fit on the 80/20 split of seed 42. */
export function fittedTheta(iterations = 300): Float64Array {
  return fit(loadSonar(), { alpha: 0.1, iterations, l2: 0, optimizer: 'sgd', testSize: 0.2, seed: 42 }).theta;
}

export interface ModelToWrite {
  version: number;
  theta: Float64Array;
  model?: string;
  samples?: number;
}

/**
 * Writes a checkpoint straight to Redis, as a trainer would (under the stored epoch,
 * or a new one; the write announces it on the update channel); returns what was written.
 */
export async function writeModel(scope: RunScope, written: ModelToWrite): Promise<Checkpoint> {
  const model = written.model ?? scope.model;
  const store = checkpointStore(scope, model);
  const state = initialState({ optimizer: 'sgd', alpha: 0.1 }, THETA_LENGTH);
  state.theta.set(written.theta);
  // The epoch first: a trainer knows its epoch, and stamps a checkpoint just before it writes it.
  const epoch = (await store.currentEpoch()) || (await store.takeEpoch());
  const checkpoint: Checkpoint = {
    model,
    version: written.version,
    state,
    cost: 0.5,
    accuracy: 0.8,
    samples: written.samples ?? written.version * 100,
    batches: written.version,
    topic: scope.topics.readings,
    offsets: {},
    updatedAt: Date.now(),
    hyperparameters: { optimizer: 'sgd', alpha: 0.1 },
  };
  const result = await store.commit(checkpoint, epoch);
  if (!result.accepted) throw new Error(`model ${model} v${written.version} not accepted: ${result.reason}`);
  return checkpoint;
}
