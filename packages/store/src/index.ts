export { CheckpointStore, type CommitResult, type Replication } from './checkpoint-store.ts';
export { fromHash, toHashFields, type Checkpoint, type ServingModel } from './checkpoint.ts';
export { connectRedis, type RedisConnection } from './connect.ts';
