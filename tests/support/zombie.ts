import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckpointStore } from '@sonar/store';
import { eventually, type ServiceProcess } from './services.ts';

/**
 * Checkpoints by time only, every 2 s, so that a trainer paused a moment after one of
 * its checkpoints has no write in flight and unsaved readings in hand.
 */
export const ZOMBIE_SETTINGS = {
  TRAINER_SESSION_TIMEOUT_MS: 3000,
  TRAINER_HEARTBEAT_MS: 500,
  TRAIN_CHECKPOINT_EVERY: 1_000_000,
  TRAIN_CHECKPOINT_INTERVAL_MS: 2000,
  TRAIN_BATCH_SIZE: 16,
};

/**
 * SIGSTOPs the active trainer a quarter of a second after its next checkpoint. Paused at a
 * random moment it may hold nothing unsaved (or have the write already on its way to Redis),
 * and then, resumed, it has nothing to write and simply rejoins as a standby: correct, but
 * it would not show the fencing. Paused here, it must try to write when it comes back.
 */
export async function pauseWithUnsavedProgress(trainer: ServiceProcess, store: CheckpointStore): Promise<void> {
  const seen = (await store.load())?.version ?? 0;
  await eventually(async () => ((await store.load())?.version ?? 0) > seen, 30_000, 'the active trainer to checkpoint again');
  await sleep(250);
  trainer.signal('SIGSTOP');
}
