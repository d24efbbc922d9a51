import type { TestContext } from '../../support/context.ts';
import { kill9, redisPrimaryNode } from '../../support/ha.ts';
import type { FaultHa } from '../support/ha-stack.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, neverBack, Processes, sampleScorerVersions, sameBits, trainedAll } from './common.ts';
import { checkpointStore, eventually, fullBatches, metricValue, plannedTrainable, produceReadings, readTopic } from '@sonar/testkit';

/**
 * On the HA stack, kill -9 the Redis primary mid-training: Sentinel promotes the replica,
 * trainer and scorer follow it, every labeled reading is applied exactly once (theta
 * bit-identical to an uninterrupted run), and the scorer never goes back to an older model.
 */
export async function haSentinelFailover(ctx: TestContext, ha: FaultHa, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    const plan = { synthetic: 24_000, holdout: 0.1, seed };
    const trainable = plannedTrainable(plan);
    const full = fullBatches(trainable, DETERMINISTIC.TRAIN_BATCH_SIZE);
    await processes.start(ctx, 'trainer', { ...ha.serviceEnv('trainer'), ...DETERMINISTIC });
    const scorer = await processes.start(ctx, 'scorer', { ...ha.serviceEnv('scorer'), SCORER_POLL_MS: 300 });
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { ...plan, rate: 2000 });
    const checkpoints = checkpointStore(ctx);
    await eventually(async () => ((await checkpoints.version()) ?? 0) >= 3, 60_000, 'a few checkpoints');

    // The scorer's version, sampled throughout: it must never go down.
    const sampler = sampleScorerVersions(scorer.port);

    const { address: primary, node } = await redisPrimaryNode(ha.stack);
    const before = (await checkpoints.version())!;
    await kill9(node.pid, `the Redis primary ${primary}`);
    const killedAt = Date.now();
    const promoted = await eventually(async () => {
      const now = await ha.stack.primary().catch(() => undefined);
      return now !== undefined && now !== primary ? now : undefined;
    }, 30_000, 'Sentinel to promote the replica');
    const promotedMs = Date.now() - killedAt;
    const followed = await eventually(async () => {
      const v = await checkpoints.version().catch(() => undefined);
      return v !== undefined && v > before ? v : undefined;
    }, 60_000, 'a checkpoint written to the new primary');
    const trainerMs = Date.now() - killedAt;
    const scorerMs = await eventually(async () => ((await metricValue(scorer.port, 'sonar_scorer_model_version').catch(() => 0)) > before ? Date.now() - killedAt : undefined), 60_000, 'the scorer to serve a model written after the failover');
    // The old primary back, as the new one's replica (as an operator would): checkpoints are acknowledged again.
    const rejoinMs = await ha.whole();

    await producing;
    const final = await trainedAll(ctx, full);
    const versions = await sampler.stop();
    const reference = `${ctx.model}-uninterrupted`;
    await processes.start(ctx, 'trainer', { ...ha.serviceEnv('trainer'), ...DETERMINISTIC }, reference, 'reference');
    const uninterrupted = await trainedAll(ctx, full, reference);
    const identical = sameBits(final.state.theta, uninterrupted.state.theta);

    const events = (await readTopic(ctx.kafka, ctx.topics.classified, { count: plan.synthetic, timeoutMs: 120_000 })).map(
      (m) => JSON.parse(m.value!.toString()) as { id: string; modelVersion: number },
    );
    const distinct = new Set(events.map((e) => e.id)).size;
    check(promoted !== primary, `Sentinel promoted the replica (${promoted})`);
    check(final.samples === full, `samples ${final.samples} = ${full}: every labeled reading applied once (of ${trainable})`);
    check(identical, 'theta bit-identical to the uninterrupted run');
    check(neverBack(versions) && neverBack(events.map((e) => e.modelVersion)), 'the scorer never went back to an older model version');
    check(distinct === plan.synthetic, `every reading classified (${distinct} of ${plan.synthetic})`);
    return {
      fault: 'HA: Redis primary kill -9 (Sentinel)',
      injected: `primary ${primary} SIGKILL at checkpoint version ${before}, mid-training of ${trainable.toLocaleString('en-US')} labeled readings`,
      recovery: `${promoted} promoted after ${(promotedMs / 1000).toFixed(1)} s; trainer checkpointed there (version ${followed}) after ${(trainerMs / 1000).toFixed(1)} s, scorer serving it after ${(scorerMs / 1000).toFixed(1)} s; old primary a replica again ${(rejoinMs / 1000).toFixed(1)} s later`,
      held: `theta ${identical ? 'bit-identical to' : 'DIFFERENT from'} the uninterrupted run; samples ${final.samples} = ${full}; scorer versions never went back (${versions.length} samples, ${events.length} events); ${distinct} of ${plan.synthetic} classified`,
    };
  } finally {
    await processes.stopAll();
    await ha.whole();
  }
}
