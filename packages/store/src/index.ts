export { CheckpointStore, type CommitResult } from './checkpoint-store.ts';
export { fromHash, toHashFields, type Checkpoint, type ServingModel } from './checkpoint.ts';
export { connectRedis, DEFAULT_REDIS_COMMAND_TIMEOUT_MS, probeRedis } from './connect.ts';
