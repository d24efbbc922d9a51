/** Count-only, one-partition training: the configuration under which theta is reproducible bit for bit. */
export const DETERMINISTIC_TRAINING = {
  TRAIN_BATCH_SIZE: 32,
  TRAIN_BATCH_MAX_WAIT_MS: 0,
  TRAIN_CHECKPOINT_EVERY: 10,
  TRAIN_CHECKPOINT_INTERVAL_MS: 500,
  TRAIN_OPTIMIZER: 'adam',
  TRAIN_ALPHA: 0.01,
  // A killed member holds its partitions until its session times out: keep that short.
  TRAINER_SESSION_TIMEOUT_MS: 6000,
  TRAINER_HEARTBEAT_MS: 1000,
};
