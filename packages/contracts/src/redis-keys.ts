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
