import { testContext } from '../../support/context.ts';
import { DedicatedRedis } from '../support/dedicated-redis.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sameBits, sleep, trainedAll } from './common.ts';
import { checkpointStore, eventually, fullBatches, plannedTrainable, produceReadings, readTopic } from '@sonar/testkit';

/** The default REDIS_COMMAND_TIMEOUT_MS: the pause is four of them. */
const COMMAND_TIMEOUT_MS = 2000;
const PAUSE_MS = 8000;

/**
 * SIGSTOP Redis (connections open, no answers) for several command timeouts, then
 * SIGCONT: trainer and scorer say they are not ready while it is paused, /metrics and
 * /readyz answer throughout, and afterwards every reading is classified and the
 * trainer's theta is bit-identical to an uninterrupted run.
 */
export async function redisPause(seed: number): Promise<FaultRow> {
  const redis = await DedicatedRedis.start('none');
  const ctx = await testContext('fault-redis-pause', { redisUrl: redis.url });
  const processes = new Processes();
  const timeout = { REDIS_COMMAND_TIMEOUT_MS: COMMAND_TIMEOUT_MS };
  try {
    await ctx.createTopics(1);
    const plan = { synthetic: 24_000, holdout: 0.1, seed };
    const full = fullBatches(plannedTrainable(plan), DETERMINISTIC.TRAIN_BATCH_SIZE);
    const trainer = await processes.start(ctx, 'trainer', { ...DETERMINISTIC, ...timeout });
    const scorer = await processes.start(ctx, 'scorer', { SCORER_POLL_MS: 300, ...timeout });
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { ...plan, rate: 2000 });
    const checkpoints = checkpointStore(ctx);
    await eventually(async () => ((await checkpoints.version()) ?? 0) >= 3, 30_000, 'a few checkpoints');
    const services = [trainer, scorer];
    const readiness = () => Promise.all(services.map(async (s) => (await fetch(`${s.url}/readyz`)).status));
    await eventually(async () => (await readiness()).every((status) => status === 200), 30_000, 'trainer and scorer ready');

    redis.pause();
    const pausedAt = Date.now();
    const notReady = await eventually(async () => ((await readiness()).every((status) => status === 503) ? Date.now() - pausedAt : undefined), PAUSE_MS - 1000, 'both to answer 503 while Redis is paused');
    // Answered while Redis is paused, sooner than a Redis command could time out: HTTP never waits for Redis.
    const slowest = Math.max(...(await Promise.all(services.map(async (s) => {
      const started = Date.now();
      const response = await fetch(`${s.url}/metrics`);
      await response.text();
      return response.ok ? Date.now() - started : Number.POSITIVE_INFINITY;
    }))));
    const stillNotReady = (await readiness()).every((status) => status === 503);
    await sleep(pausedAt + PAUSE_MS - Date.now());
    redis.resume();
    const resumedAt = Date.now();
    await eventually(async () => (await readiness()).every((status) => status === 200), 30_000, 'trainer and scorer ready again');
    const readyAgain = Date.now() - resumedAt;

    const sent = await producing;
    const final = await trainedAll(ctx, full);
    const reference = `${ctx.model}-uninterrupted`;
    await processes.start(ctx, 'trainer', DETERMINISTIC, reference, 'reference');
    const uninterrupted = await trainedAll(ctx, full, reference);
    const identical = sameBits(final.state.theta, uninterrupted.state.theta);
    const classified = await readTopic(ctx.kafka, ctx.topics.classified, { count: sent });
    const distinct = new Set(classified.map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id)).size;
    const running = services.every((s) => s.proc.child.exitCode === null);
    check(stillNotReady, 'trainer and scorer not ready while Redis is paused');
    check(slowest < COMMAND_TIMEOUT_MS, `/metrics answered within ${slowest} ms while Redis is paused`);
    check(final.samples === full, `samples ${final.samples} = ${full}: every reading applied once`);
    check(identical, 'theta bit-identical to the uninterrupted run');
    check(distinct === sent, `every reading classified (${distinct} of ${sent})`);
    check(running, 'trainer and scorer never exited');
    return {
      fault: 'redis paused (SIGSTOP)',
      injected: `redis-server SIGSTOP for ${PAUSE_MS / 1000} s (REDIS_COMMAND_TIMEOUT_MS ${COMMAND_TIMEOUT_MS}) in a ${sent.toLocaleString('en-US')}-reading stream at 2000/s, then SIGCONT`,
      recovery: `/readyz 503 on both ${(notReady / 1000).toFixed(1)} s into the pause, 200 again ${(readyAgain / 1000).toFixed(1)} s after SIGCONT`,
      held: `/metrics answered in ${slowest} ms at most during the pause; samples ${final.samples} = ${full}; theta ${identical ? 'bit-identical to' : 'DIFFERENT from'} the uninterrupted run; ${distinct} of ${sent} readings classified; no service exited`,
    };
  } finally {
    await processes.stopAll();
    await ctx.cleanup().catch(() => undefined);
    await redis.stop();
  }
}
