import { generateMulti } from 'cluster-key-slot';

/** Redis keys of one model. The prefix (REDIS_PREFIX, default "sonar") lets tests and tenants share a server. */
export interface ModelKeys {
  /** Hash: the newest checkpoint. */
  model: string;
  /** List: recent checkpoints, newest first. */
  history: string;
  /** Pub/sub channel: the new version number after each checkpoint. */
  updated: string;
  /** Counter: the fencing epoch a trainer takes when it gets its partitions. */
  epoch: string;
}

/**
 * On Redis Cluster a script's keys must share a slot: give the prefix a hash tag (`{sonar}`, or
 * `{sonar.<model>}` to spread models over the shards) and the keys keep the contract's shape.
 */
export function modelKeys(model: string, prefix = 'sonar'): ModelKeys {
  const base = `${prefix}:model:${model}`;
  return { model: base, history: `${base}:history`, updated: `${base}:updated`, epoch: `${base}:epoch` };
}

/** The keys a script touches together (the update channel is not a key: no slot). */
function scriptedKeys(keys: ModelKeys): string[] {
  return [keys.model, keys.history, keys.epoch];
}

/** True when every key a script of this model touches hashes to one Redis Cluster slot. */
export function modelKeysShareSlot(model: string, prefix = 'sonar'): boolean {
  return generateMulti(scriptedKeys(modelKeys(model, prefix))) !== -1;
}

/**
 * Why this model cannot be checkpointed on a Redis Cluster (its keys would fall in different
 * slots, and Redis refuses a script that spans slots with CROSSSLOT), as the fix to make;
 * undefined when it can.
 */
export function clusterSlotProblem(model: string, prefix = 'sonar'): string | undefined {
  if (modelKeysShareSlot(model, prefix)) return undefined;
  const tagged = `{${model.replace(/[{}]/g, '') || 'sonar'}}`;
  return (
    `on a Redis Cluster the keys of model "${model}" (${modelKeys(model, prefix).model} and its :history and :epoch) would fall in different slots: ` +
    `name the model with a hash tag, SONAR_MODEL=${tagged} (or give REDIS_PREFIX one, e.g. {${prefix.replace(/[{}]/g, '')}})`
  );
}
