import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { Checkpoint, CheckpointStore } from '@sonar/store';
import type { TestContext } from './context.ts';
import { checkpointStore, eventually, metricValue, produceReadings, type ServiceProcess } from '@sonar/testkit';

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
function liveStream(kafka: Kafka, topic: string): { stop(): Promise<number> } {
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
async function pauseWithUnsavedProgress(trainer: ServiceProcess, store: CheckpointStore): Promise<void> {
  const seen = (await store.load())?.version ?? 0;
  await eventually(async () => ((await store.load())?.version ?? 0) > seen, 30_000, 'the active trainer to checkpoint again');
  await sleep(250);
  trainer.signal('SIGSTOP');
}

export interface ZombieTakeover {
  /** The epoch of the first trainer, A, before B joined, and once the rebalance B caused was over. */
  epochOfA: number;
  epochAfterJoin: number | undefined;
  /** B's first checkpoint, and how long after A's pause it came. */
  takeover: Checkpoint;
  takeoverMs: number;
  /** A's rejected checkpoint writes once it was continued. */
  rejected: number;
  /** Every checkpoint in the history from the takeover on (B checkpointed at least once more). */
  since: Checkpoint[];
}

/**
 * The zombie scenario, on a live stream: trainer A trains; B joins and stands by; A is
 * paused past its session with unsaved readings; B takes over and checkpoints; A is
 * continued and tries to write. The caller asserts on what this returns.
 */
export async function zombieTakeover(
  ctx: TestContext,
  startTrainer: (label: string) => Promise<{ proc: ServiceProcess; port: number }>,
): Promise<ZombieTakeover> {
  const store = checkpointStore(ctx);
  const stream = liveStream(ctx.kafka, ctx.topics.readings);
  try {
    const a = await startTrainer('trainer-a');
    await eventually(async () => (await store.load())?.epoch, 30_000, 'trainer A to checkpoint');
    const b = await startTrainer('trainer-b');
    await eventually(async () => (await fetch(`http://127.0.0.1:${b.port}/readyz`)).ok, 30_000, 'trainer B to join and stand by');
    const epochOfA = (await store.load())!.epoch!;
    await sleep(1000);
    const epochAfterJoin = (await store.load())!.epoch;

    await pauseWithUnsavedProgress(a.proc, store);
    const pausedAt = Date.now();
    const takeover = await eventually(async () => {
      const checkpoint = await store.load();
      return checkpoint && checkpoint.epoch !== epochOfA ? checkpoint : undefined;
    }, 30_000, 'trainer B to take over and checkpoint');
    const takeoverMs = Date.now() - pausedAt;
    a.proc.signal('SIGCONT');
    await eventually(async () => (await metricValue(a.port, 'sonar_trainer_fenced_writes_total')) >= 1, 30_000, 'A to have a write rejected');
    const rejected = await metricValue(a.port, 'sonar_trainer_fenced_writes_total');
    await eventually(async () => ((await store.load())?.version ?? 0) > takeover.version, 30_000, 'B to checkpoint again');
    const since = (await store.history()).filter((c) => c.version >= takeover.version);
    return { epochOfA, epochAfterJoin, takeover, takeoverMs, rejected, since };
  } finally {
    await stream.stop();
  }
}
