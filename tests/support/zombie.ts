import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { CheckpointStore } from '@sonar/store';
import { produceReadings } from './produce.ts';
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
 * A live stream for as long as the scenario runs: both trainers checkpoint only when they
 * have consumed something new, so a stream that ran dry under a slow start would leave
 * nothing to write, and no takeover or fencing to see. `stop()` ends it and returns the count.
 */
export function liveStream(kafka: Kafka, topic: string): { stop(): Promise<number> } {
  const controller = new AbortController();
  const producing = produceReadings(kafka, topic, { synthetic: 10_000_000, rate: 2000, seed: 3, signal: controller.signal });
  return {
    stop: () => {
      controller.abort();
      return producing;
    },
  };
}

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
