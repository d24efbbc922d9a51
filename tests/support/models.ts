import { THETA_LENGTH } from '@sonar/contracts';
import { fit, initialState } from '@sonar/model';
import { loadSonar } from '@sonar/dataset';
import { CheckpointStore, type Checkpoint } from '@sonar/store';
import type { TestContext } from './context.ts';
import { eventually } from './services.ts';

/** The checkpoint store of a model of this test's Redis prefix. */
export function checkpointStore(ctx: TestContext, model = ctx.model): CheckpointStore {
  return new CheckpointStore(ctx.redis, model, ctx.redisPrefix);
}

/** The model's checkpoint once it has trained on at least `samples` readings. */
export function trained(ctx: TestContext, samples: number, model = ctx.model, timeoutMs = 90_000): Promise<Checkpoint> {
  const checkpoints = checkpointStore(ctx, model);
  return eventually(async () => {
    const checkpoint = await checkpoints.load();
    return checkpoint && checkpoint.samples >= samples ? checkpoint : undefined;
  }, timeoutMs, `${samples} samples trained by ${model}`);
}

/** A trained theta to serve: the derivation's fit on the 80/20 split of seed 42. */
export function fittedTheta(iterations = 300): Float64Array {
  return fit(loadSonar(), { alpha: 0.1, iterations, l2: 0, optimizer: 'sgd', testSize: 0.2, seed: 42 }).theta;
}

/** Writes a checkpoint straight to Redis (as a trainer would) and announces it. */
export async function publishModel(ctx: TestContext, version: number, theta: Float64Array): Promise<Checkpoint> {
  const store = checkpointStore(ctx);
  const state = initialState({ optimizer: 'sgd', alpha: 0.1 }, THETA_LENGTH);
  state.theta.set(theta);
  const checkpoint: Checkpoint = {
    model: ctx.model,
    version,
    state,
    cost: 0.5,
    accuracy: 0.8,
    samples: version * 100,
    batches: version,
    topic: ctx.topics.readings,
    offsets: {},
    updatedAt: Date.now(),
    hyperparameters: { optimizer: 'sgd', alpha: 0.1 },
  };
  const epoch = Number((await ctx.redis.get(store.keys.epoch)) ?? 0) || (await store.takeEpoch());
  const result = await store.commit(checkpoint, epoch);
  if (!result.accepted) throw new Error(`test model v${version} not accepted: ${result.reason}`);
  await store.publish(version);
  return checkpoint;
}
