import { testContext } from '../../support/context.ts';
import { DedicatedRedis, type Persistence } from '../support/dedicated-redis.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sampleMetric, sleep, trainedAll } from './common.ts';
import { checkpointStore, eventually, fullBatches, plannedTrainable, produceReadings, readTopic } from '@sonar/testkit';

/**
 * kill -9 Redis mid-run and start it again (with AOF appendfsync always, or with no
 * persistence): the scorer never goes back to an older model, and the trainer
 * writes its checkpoint again and goes on to train every reading once.
 */
export async function redisRestart(persistence: Persistence, seed: number): Promise<FaultRow> {
  const redis = await DedicatedRedis.start(persistence);
  const ctx = await testContext(`fault-redis-${persistence}`, { redisUrl: redis.url });
  const processes = new Processes();
  try {
    await ctx.createTopics(1);
    const plan = { synthetic: 30_000, holdout: 0.1, seed };
    const trainable = plannedTrainable(plan);
    const full = fullBatches(trainable, DETERMINISTIC.TRAIN_BATCH_SIZE);
    await processes.start(ctx, 'trainer', DETERMINISTIC);
    const scorer = await processes.start(ctx, 'scorer', { SCORER_POLL_MS: 300 });
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { ...plan, rate: 2500 });
    const checkpoints = checkpointStore(ctx);
    await eventually(async () => ((await checkpoints.version()) ?? 0) >= 3, 30_000, 'a few checkpoints');

    // The scorer's version, sampled throughout: it must never go down.
    const sampler = sampleMetric(scorer.port, 'sonar_scorer_model_version', 100);

    const before = { version: (await checkpoints.version())!, history: (await checkpoints.history()).length };
    await redis.kill9();
    const killedAt = Date.now();
    await sleep(2000);
    await redis.restart();
    const restartedAt = Date.now();
    const afterRestart = { version: (await checkpoints.version()) ?? 0, history: (await checkpoints.history()).length };
    const reestablished = await eventually(async () => {
      const v = await checkpoints.version();
      return v !== undefined && v > before.version ? v : undefined;
    }, 30_000, 'the trainer to write its checkpoint again');
    const recoveryMs = Date.now() - restartedAt;
    await producing;
    const final = await trainedAll(ctx, full);
    const versions = await sampler.stop();

    const classified = await readTopic(ctx.kafka, ctx.topics.classified, { count: 30_000 });
    const events = classified.map((m) => JSON.parse(m.value!.toString()) as { id: string; modelVersion: number });
    const eventVersions = events.map((e) => e.modelVersion);
    const distinct = new Set(events.map((e) => e.id)).size;
    check(distinct === 30_000, `every reading classified through the restart (${distinct} of 30,000)`);
    const neverBack = (xs: number[]) => xs.every((v, i) => i === 0 || v >= xs[i - 1]!);
    const monotonic = neverBack(versions) && neverBack(eventVersions);
    check(monotonic, 'the scorer never went back to an older model version');
    check(final.samples === full, `samples ${final.samples} = ${full}: every reading trained once`);
    const lost =
      persistence === 'none'
        ? `lost: the checkpoint, its history (${before.history} entries before, ${afterRestart.history} after the restart) and the epoch counter, until the trainer rewrote them from memory`
        : `nothing lost: version ${afterRestart.version} and ${afterRestart.history} history entries survived the restart`;
    return {
      fault: `redis restart (${persistence === 'none' ? 'no persistence' : 'AOF appendfsync always'})`,
      injected: `redis-server SIGKILL at checkpoint version ${before.version}, restarted ${((restartedAt - killedAt) / 1000).toFixed(1)} s later`,
      recovery: `trainer checkpointed again (version ${reestablished}) ${(recoveryMs / 1000).toFixed(1)} s after the restart`,
      held: `every reading classified (${distinct} of 30,000); scorer versions never went back (${versions.length} samples, ${classified.length} events); samples ${final.samples} = ${full}; ${lost}`,
    };
  } finally {
    await processes.stopAll();
    await ctx.cleanup().catch(() => undefined);
    await redis.stop();
  }
}
