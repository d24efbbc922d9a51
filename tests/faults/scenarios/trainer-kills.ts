import { seededRng } from '@sonar/model';
import type { TestContext } from '../../support/context.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sameBits, sleep, summary, trainedAll } from './common.ts';
import { eventually, fullBatches, metricValue, plannedTrainable, produceReadings } from '@sonar/testkit';

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
    const full = fullBatches(expected, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const recoveries = await killAndRestart(ctx, processes, plan, kills, seed);
    const crashed = await trainedAll(ctx, full);
    const reference = `${ctx.model}-uninterrupted`;
    await processes.start(ctx, 'trainer', KILLED_SETTINGS, reference, 'reference');
    const uninterrupted = await trainedAll(ctx, full, reference);
    const identical = sameBits(crashed.state.theta, uninterrupted.state.theta);
    check(crashed.samples === full, `samples ${crashed.samples} = ${full} labeled non-holdout readings in full batches (of ${expected})`);
    check(identical, 'theta bit-identical to the uninterrupted run');
    return {
      fault: 'trainer kill -9',
      injected: `${kills} kills, each at a seeded random moment (seed ${seed}) after the trainer resumed training, in ${expected.toLocaleString('en-US')} labeled readings`,
      recovery: `restart to training again: ${summary(recoveries)}`,
      held: `theta bit-identical to an uninterrupted run; samples ${crashed.samples} = ${full} (${expected} labeled, non-holdout; the last ${expected - full} wait for a full batch)`,
    };
  } finally {
    await processes.stopAll();
  }
}

/**
 * The same on a topic of several partitions, whose interleaving no run repeats (so no
 * bit-identity): samples exact, and the checkpoint's offsets account for every
 * reading once: those past them are exactly the last partial mini-batch.
 */
export async function trainerKillsPartitioned(ctx: TestContext, partitions: number, kills: number, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    // Every reading trainable: then what lies past the checkpoint's offsets is what waits for a batch.
    const plan = { synthetic: 60_013, holdout: 0, seed };
    const expected = plannedTrainable(plan);
    const full = fullBatches(expected, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const recoveries = await killAndRestart(ctx, processes, plan, kills, seed);
    const crashed = await trainedAll(ctx, full);
    const ends = await ctx.admin.fetchTopicOffsets(ctx.topics.readings);
    const pending = ends.reduce((sum, p) => sum + Number(p.high) - Number(crashed.offsets[String(p.partition)] ?? 0), 0);
    check(crashed.samples === full, `samples ${crashed.samples} = ${full} labeled readings in full batches (of ${expected})`);
    check(pending === expected - full, `readings past the checkpoint's offsets ${pending} = the ${expected - full} of the last partial batch`);
    return {
      fault: `trainer kill -9, ${partitions} partitions`,
      injected: `${kills} kills at seeded random moments (seed ${seed}) in ${expected.toLocaleString('en-US')} labeled readings on ${partitions} partitions`,
      recovery: `restart to training again: ${summary(recoveries)}`,
      held: `samples ${crashed.samples} = ${full}; every offset applied once (${pending} past the checkpoint = the last partial batch); no bit-identity expected: the partitions interleave differently each run`,
    };
  } finally {
    await processes.stopAll();
  }
}

// A killed member holds its partitions until its session expires: keep that short.
const KILLED_SETTINGS = { ...DETERMINISTIC, TRAINER_SESSION_TIMEOUT_MS: 3000, TRAINER_HEARTBEAT_MS: 500 };

/** Produces the plan slowly enough that every kill falls while readings still arrive; kills the trainer `kills` times; leaves one running. */
async function killAndRestart(ctx: TestContext, processes: Processes, plan: { synthetic: number; holdout: number; seed: number }, kills: number, seed: number): Promise<number[]> {
  const producing = produceReadings(ctx.kafka, ctx.topics.readings, { ...plan, rate: Math.round(plan.synthetic / (kills * 6.5 + 5)) });
  const rng = seededRng(seed);
  const recoveries: number[] = [];
  /** A new trainer process: the time until it trains again (start, group join, resume from the checkpoint). */
  const restart = async () => {
    const started = Date.now();
    const trainer = await processes.start(ctx, 'trainer', KILLED_SETTINGS);
    await eventually(async () => (await metricValue(trainer.port, 'sonar_trainer_readings_total')) > 0, 60_000, 'the trainer to train again');
    recoveries.push(Date.now() - started);
    return trainer;
  };
  for (let k = 0; k < kills; k++) {
    const { proc } = await restart();
    await sleep(300 + rng() * 1500);
    proc.signal('SIGKILL');
    await proc.exited;
  }
  await producing;
  await restart();
  return recoveries;
}
