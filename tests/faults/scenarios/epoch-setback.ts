import type { TestContext } from '../../support/context.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sameBits, trainedAll } from './common.ts';
import { checkpointStore, eventually, fullBatches, metricValue, plannedTrainable, produceReadings } from '@sonar/testkit';

/**
 * Redis loses the fencing epoch's last writes while the trainer runs (AOF everysec,
 * a failover to a lagging replica, a restore): the counter is set back once, then
 * deleted. The trainer must take neither for a newer owner: its next checkpoint
 * re-establishes the epoch and training goes on, every reading applied once.
 */
export async function epochSetBack(ctx: TestContext, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    const plan = { synthetic: 40_000, holdout: 0.1, seed };
    const expected = plannedTrainable(plan);
    const full = fullBatches(expected, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { ...plan, rate: 3000 });
    const trainer = await processes.start(ctx, 'trainer', DETERMINISTIC);
    const store = checkpointStore(ctx);
    const delays: number[] = [];
    for (const setBack of [(key: string) => ctx.redis.decr(key), (key: string) => ctx.redis.del(key)]) {
      const before = await eventually(async () => {
        const c = await store.load();
        return c && c.version >= 3 + delays.length * 3 ? c : undefined;
      }, 30_000, 'a few checkpoints');
      await setBack(store.keys.epoch);
      const injectedAt = Date.now();
      // The next checkpoint after the set-back is accepted, and training goes on past it.
      const after = await eventually(async () => {
        const c = await store.load();
        return c && c.version >= before.version + 2 && c.samples > before.samples ? c : undefined;
      }, 30_000, 'training to go on after the epoch was set back');
      delays.push(Date.now() - injectedAt);
      check(after.epoch === before.epoch, `the trainer kept its epoch ${before.epoch} (checkpoint ${after.version} has ${after.epoch})`);
      check(Number(await ctx.redis.get(store.keys.epoch)) === before.epoch, 'the stored epoch is the trainer\'s again');
    }
    const reestablished = await metricValue(trainer.port, 'sonar_trainer_epoch_reestablished_total');
    const fenced = await metricValue(trainer.port, 'sonar_trainer_fenced_writes_total');
    await producing;
    const crashed = await trainedAll(ctx, full);
    const reference = `${ctx.model}-uninterrupted`;
    await processes.start(ctx, 'trainer', DETERMINISTIC, reference, 'reference');
    const uninterrupted = await trainedAll(ctx, full, reference);
    const identical = sameBits(crashed.state.theta, uninterrupted.state.theta);
    check(reestablished >= 2, `sonar_trainer_epoch_reestablished_total ${reestablished} ≥ 2`);
    check(fenced === 0, `no write fenced (${fenced})`);
    check(delays.every((ms) => ms < 5000 + 2 * DETERMINISTIC.TRAIN_CHECKPOINT_INTERVAL_MS), `training went on within 5 s of the next checkpoint (${delays.join(', ')} ms)`);
    check(crashed.samples === full, `samples ${crashed.samples} = ${full}`);
    check(identical, 'theta bit-identical to the uninterrupted run');
    return {
      fault: 'fencing epoch set back in Redis',
      injected: `DECR, then DEL, of the epoch counter while the trainer trains ${expected.toLocaleString('en-US')} labeled readings`,
      recovery: `two checkpoints past each set-back within ${delays.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' and ')}; the epoch re-established ${reestablished} times (metric), no write fenced`,
      held: `theta bit-identical to an uninterrupted run; samples ${crashed.samples} = ${full}`,
    };
  } finally {
    await processes.stopAll();
  }
}
