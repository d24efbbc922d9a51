import { THETA_LENGTH } from '@sonar/contracts';
import type { TestContext } from '../../support/context.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sameBits, sampleMetric, sleep, trainedAll } from './common.ts';
import { checkpointStore, eventually, fullBatches, metricValue, plannedTrainable, produceReadings, readTopic } from '@sonar/testkit';

/** How far past the stored version a corrupt checkpoint is written: the trainer's next write is then stale. */
const AHEAD = 100;

const numbers = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) / 100);
const state = (theta: unknown[]) => JSON.stringify({ version: 1, step: 3, theta, velocity: null, m: null, v: null });
/** JSON.stringify writes a NaN as null. */
const withNaN = [null, ...numbers(THETA_LENGTH - 1)];

/** Hand-written checkpoint fields, each corrupt in one way; the ones not given keep their stored value. */
const CORRUPTIONS = [
  { what: 'theta of 60 coefficients', fields: { theta: JSON.stringify(numbers(THETA_LENGTH - 1)), state: state(numbers(THETA_LENGTH - 1)) } },
  { what: 'a NaN in theta', fields: { theta: JSON.stringify(withNaN), state: state(withNaN) } },
  { what: 'an unreadable optimizer state (theta left as stored)', fields: { state: '{"version":1,"step":12,"theta":[0.1,' } },
];

/** Sets the checkpoint's version AHEAD past the stored one and these fields, in one step: a writer racing the trainer. */
const CORRUPT = `
local version = tonumber(redis.call('HGET', KEYS[1], 'version')) + tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'version', tostring(version), unpack(ARGV, 2))
return version`;

/**
 * Corrupt checkpoints written into Redis by hand while a trainer and a scorer run, and a
 * model whose checkpoint and history are all corrupt when its trainer starts. As the
 * README says: the scorer never serves a corrupt theta and keeps its last good model
 * (sonar_scorer_models_rejected_total); a running trainer's next write finds the newer
 * version, and it resumes from the newest usable checkpoint of the history, past the
 * corrupt version (sonar_trainer_corrupt_checkpoints_total); a trainer that finds no usable
 * version does not train (not ready) until an operator rolls back or deletes the keys.
 * Every reading is applied once: theta bit-identical to an uninterrupted run.
 */
export async function corruptCheckpoints(ctx: TestContext, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    // One part of the stream before the first corruption, and one after each: the trainer has readings to learn, so it writes again.
    const parts = Array.from({ length: CORRUPTIONS.length + 1 }, (_, k) => ({ synthetic: 6000, holdout: 0.1, seed: seed + k, idPrefix: `c${k}-`, rate: 3000 }));
    const full = fullBatches(parts.reduce((n, part) => n + plannedTrainable(part), 0), DETERMINISTIC.TRAIN_BATCH_SIZE);
    const store = checkpointStore(ctx);

    // A model with nothing usable: its checkpoint and its one history entry are corrupt.
    const stuck = `${ctx.model}-unusable`;
    const stuckStore = checkpointStore(ctx, stuck);
    const unusable = { model: stuck, version: '7', samples: '224', topic: ctx.topics.readings, offsets: '{"0":"250"}', ...CORRUPTIONS[0]!.fields };
    await ctx.redis.hset(stuckStore.keys.model, unusable);
    await ctx.redis.lpush(stuckStore.keys.history, JSON.stringify({ ...unusable, version: '6', state: '{' }));

    const trainer = await processes.start(ctx, 'trainer', DETERMINISTIC);
    const scorer = await processes.start(ctx, 'scorer', { SCORER_POLL_MS: 200 });
    const other = await processes.start(ctx, 'trainer', DETERMINISTIC, stuck, 'trainer-unusable');
    let sent = await produceReadings(ctx.kafka, ctx.topics.readings, parts[0]!);

    const sampler = sampleMetric(scorer.port, 'sonar_scorer_model_version', 50);

    const corruptVersions: number[] = [];
    const recoveries: number[] = [];
    // The first part all checkpointed: how many writes that takes depends on how the fetches fell (at most one per fetched batch).
    const firstPart = fullBatches(plannedTrainable(parts[0]!), DETERMINISTIC.TRAIN_BATCH_SIZE);
    await eventually(async () => (await store.load())?.samples === firstPart, 30_000, `the first ${firstPart} readings checkpointed`);
    const refusals = () => metricValue(scorer.port, 'sonar_scorer_models_rejected_total');
    // eventually() retries while the scrape throws (connection refused), and names the last error if it times out.
    await eventually(async () => {
      await refusals();
      return true;
    }, 30_000, 'the scorer to serve its metrics');
    for (const [i, corruption] of CORRUPTIONS.entries()) {
      // The trainer is held (well within its session) until the scorer has read the corrupt version, which it would otherwise often write past first.
      const refusedBefore = await refusals();
      trainer.proc.signal('SIGSTOP');
      const version = Number(await ctx.redis.eval(CORRUPT, 1, store.keys.model, AHEAD, ...Object.entries(corruption.fields).flat()));
      await store.publish(version);
      corruptVersions.push(version);
      if (i < 2) await eventually(async () => (await refusals()) > refusedBefore, 5000, `the scorer to read corrupt version ${version}`);
      else await sleep(500);
      trainer.proc.signal('SIGCONT');
      const at = Date.now();
      const producing = produceReadings(ctx.kafka, ctx.topics.readings, parts[i + 1]!);
      // The trainer's next write is stale; it resumes from its history, and writes past the corrupt version.
      await eventually(async () => {
        const counted = await metricValue(trainer.port, 'sonar_trainer_corrupt_checkpoints_total');
        return counted >= i + 1 && ((await store.version()) ?? 0) > version;
      }, 30_000, `the trainer to write past corrupt version ${version} (${corruption.what})`);
      recoveries.push(Date.now() - at);
      sent += await producing;
    }

    // Meanwhile the trainer of the unusable model waits, not ready, and writes nothing.
    const stuckReason = ((await (await fetch(`${other.url}/readyz`)).json()) as { reason?: string }).reason ?? '';
    const stuckCounted = await metricValue(other.port, 'sonar_trainer_corrupt_checkpoints_total');
    const stuckVersion = await stuckStore.version();
    const stuckStatus = (await fetch(`${other.url}/readyz`)).status;

    const final = await trainedAll(ctx, full);
    const versions = await sampler.stop();

    // An operator deletes the unusable model's keys: its trainer then trains from the first reading, as an uninterrupted run.
    await stuckStore.destroy();
    const uninterrupted = await trainedAll(ctx, full, stuck);
    const identical = sameBits(final.state.theta, uninterrupted.state.theta);

    const classified = await readTopic(ctx.kafka, ctx.topics.classified, { count: sent });
    const events = classified.map((m) => JSON.parse(m.value!.toString()) as { id: string; modelVersion: number });
    const distinct = new Set(events.map((e) => e.id)).size;
    const rejected = {
      wrong_theta_length: await metricValue(scorer.port, 'sonar_scorer_models_rejected_total', { reason: 'wrong_theta_length' }),
      non_finite_theta: await metricValue(scorer.port, 'sonar_scorer_models_rejected_total', { reason: 'non_finite_theta' }),
    };
    const badTheta = corruptVersions.slice(0, 2);
    const servedBad = [...versions, ...events.map((e) => e.modelVersion)].filter((v) => badTheta.includes(v)).length;
    const neverBack = (xs: number[]) => xs.every((v, i) => i === 0 || v >= xs[i - 1]!);
    const counted = await metricValue(trainer.port, 'sonar_trainer_corrupt_checkpoints_total');
    const running = [trainer, scorer, other].every((s) => s.proc.child.exitCode === null);
    const ready = (await Promise.all([trainer, scorer, other].map(async (s) => (await fetch(`${s.url}/readyz`)).ok))).every(Boolean);

    check(rejected.wrong_theta_length === 1 && rejected.non_finite_theta === 1, `the scorer refused each corrupt theta once: ${JSON.stringify(rejected)}`);
    check(servedBad === 0, `no event and no sample of the scorer's version has a corrupt theta's version (${servedBad})`);
    check(neverBack(versions) && neverBack(events.map((e) => e.modelVersion)), 'the scorer never went back to an older version');
    check(distinct === sent, `every reading classified (${distinct} of ${sent})`);
    check(counted === CORRUPTIONS.length, `the trainer counted ${counted} corrupt checkpoints, one per corruption`);
    check(final.version > corruptVersions.at(-1)! && final.samples === full, `the trainer wrote past the corrupt versions (now ${final.version}); samples ${final.samples} = ${full}`);
    check(stuckStatus === 503 && /corrupt/.test(stuckReason) && stuckCounted >= 2 && stuckVersion === 7, `with no usable version the trainer waits, not ready (${stuckStatus}: ${stuckReason}), counted ${stuckCounted}, wrote nothing (version ${stuckVersion})`);
    check(identical, 'theta bit-identical to an uninterrupted run');
    check(running && ready, 'every service running and ready at the end');
    return {
      fault: 'corrupt checkpoints',
      injected: `written by hand ${AHEAD} versions ahead while training ${sent.toLocaleString('en-US')} readings (in parts of 6,000: one before the first corruption, one after each): ${CORRUPTIONS.map((c, i) => `v${corruptVersions[i]} ${c.what}`).join(', ')}; and a model whose checkpoint and history are corrupt when its trainer starts`,
      recovery: `the trainer wrote past each corrupt version ${recoveries.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} later, resuming from its history`,
      held: `scorer refused wrong_theta_length ${rejected.wrong_theta_length}, non_finite_theta ${rejected.non_finite_theta}, kept its last good model (no event at a corrupt version, versions never back), ${distinct} of ${sent} classified; trainer counted ${counted} corrupt, samples ${final.samples} = ${full}; the unusable model's trainer answered 503 and wrote nothing until its keys were deleted, then trained a theta bit-identical to the corrupted run's`,
    };
  } finally {
    await processes.stopAll();
  }
}
