import type { TestContext } from '../../support/context.ts';
import { eventually, metricValue } from '../../support/services.ts';
import { liveStream, pauseWithUnsavedProgress, ZOMBIE_SETTINGS } from '../../support/zombie.ts';
import type { FaultRow } from '../support/report.ts';
import { check, Processes, sleep, store } from './common.ts';

/**
 * SIGSTOP the active trainer past its session timeout while a standby takes over,
 * then SIGCONT it: its checkpoint writes are rejected and the stored model stays the successor's.
 */
export async function zombieTrainer(ctx: TestContext): Promise<FaultRow> {
  const processes = new Processes();
  const settings = ZOMBIE_SETTINGS;
  const stream = liveStream(ctx.kafka, ctx.topics.readings);
  try {
    const checkpoints = store(ctx);
    const a = await processes.start(ctx, 'trainer', settings, ctx.model, 'trainer-a');
    await eventually(async () => (await checkpoints.load())?.epoch, 30_000, 'trainer A to checkpoint');
    const b = await processes.start(ctx, 'trainer', settings, ctx.model, 'trainer-b');
    await eventually(async () => (await fetch(`${b.url}/readyz`)).ok, 30_000, 'trainer B to stand by');
    await sleep(1000);
    const epochOfA = (await checkpoints.load())!.epoch!;

    await pauseWithUnsavedProgress(a.proc, checkpoints);
    const stoppedAt = Date.now();
    const takeover = await eventually(async () => {
      const checkpoint = await checkpoints.load();
      return checkpoint && checkpoint.epoch !== epochOfA ? checkpoint : undefined;
    }, 30_000, 'the standby to take over');
    const takeoverMs = Date.now() - stoppedAt;
    a.proc.signal('SIGCONT');
    await eventually(async () => (await metricValue(a.port, 'sonar_trainer_fenced_writes_total')) >= 1, 30_000, 'the zombie to try a write');
    const rejected = await metricValue(a.port, 'sonar_trainer_fenced_writes_total');
    await eventually(async () => ((await checkpoints.load())?.version ?? 0) > takeover.version, 30_000, 'the successor to checkpoint again');
    const after = (await checkpoints.history()).filter((c) => c.version >= takeover.version);
    const onlySuccessor = after.length > 1 && after.every((c) => c.epoch === takeover.epoch);
    check(rejected >= 1, 'the zombie had its writes rejected');
    check(onlySuccessor, "every checkpoint since the takeover is the successor's");
    return {
      fault: 'zombie trainer',
      injected: 'SIGSTOP of the active trainer past its 3 s session timeout, SIGCONT after the standby took over',
      recovery: `standby checkpointed ${(takeoverMs / 1000).toFixed(1)} s after the pause`,
      held: `${rejected} stale write(s) rejected (fenced); all ${after.length} checkpoints since the takeover carry the successor's epoch ${takeover.epoch}`,
      ok: rejected >= 1 && onlySuccessor,
    };
  } finally {
    await stream.stop();
    await processes.stopAll();
  }
}
