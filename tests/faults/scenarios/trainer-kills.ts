import { seededRng } from '@sonar/model';
import type { TestContext } from '../../support/context.ts';
import { plannedTrainable, produceReadings } from '../../support/produce.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sameBits, sleep, trained } from './common.ts';

/**
 * kill -9 the trainer at random moments of a run of 100,000+ labeled readings,
 * restarting it each time: theta must be bit-identical to an uninterrupted run,
 * and samples the number of labeled, non-holdout readings produced.
 */
export async function trainerKills(ctx: TestContext, kills: number, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    const plan = { synthetic: 115_000, holdout: 0.1, seed };
    const expected = plannedTrainable(plan);
    const full = expected - (expected % DETERMINISTIC.TRAIN_BATCH_SIZE);
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { ...plan, rate: 10_000 });
    const rng = seededRng(seed);
    const restarts: number[] = [];
    for (let k = 0; k < kills; k++) {
      const { proc } = await processes.start(ctx, 'trainer', DETERMINISTIC);
      await sleep(1200 + rng() * 2500);
      proc.signal('SIGKILL');
      await proc.exited;
      restarts.push(Date.now());
    }
    await producing;
    await processes.start(ctx, 'trainer', DETERMINISTIC);
    const crashed = await trained(ctx, full);
    const reference = `${ctx.model}-uninterrupted`;
    await processes.start(ctx, 'trainer', DETERMINISTIC, reference, 'reference');
    const uninterrupted = await trained(ctx, full, reference);
    const identical = sameBits(crashed.state.theta, uninterrupted.state.theta);
    check(crashed.samples === full, `samples ${crashed.samples} = ${full} labeled non-holdout readings in full batches (of ${expected})`);
    check(identical, 'theta bit-identical to the uninterrupted run');
    return {
      fault: 'trainer kill -9',
      injected: `${kills} kills at seeded random moments (seed ${seed}) in ${expected.toLocaleString('en-US')} labeled readings`,
      held: `theta bit-identical to an uninterrupted run; samples ${crashed.samples} = ${full} (${expected} labeled, non-holdout; the last ${expected - full} wait for a full batch)`,
      ok: identical && crashed.samples === full,
    };
  } finally {
    await processes.stopAll();
  }
}
