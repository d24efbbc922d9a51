export { CheckpointStore, type CommitResult, type Replication, type ResumePoint } from './checkpoint-store.ts';
export { fromHash, toHashFields, validCheckpoint, validServingModel, type Checkpoint, type Corrupt, type Provenance, type ServingModel, type Validated } from './checkpoint.ts';
export { closeRedis, connectionOf, connectRedis, DEFAULT_REDIS_COMMAND_TIMEOUT_MS, firstContact, openRedis, probeRedis, refusedByRedis, type RedisClient, type RedisConnection } from './connect.ts';
export { ModelHolder } from './follow/model-holder.ts';
export { ModelWatcher } from './follow/model-watcher.ts';
