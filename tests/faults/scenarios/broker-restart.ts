import { replayPlan } from '@sonar/ingest';
import { testContext } from '../../support/context.ts';
import { DedicatedBroker } from '../support/dedicated-broker.ts';
import { postReadings } from '../support/ingest-client.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sameBits, sleep, trainedAll } from './common.ts';
import { eventually, fullBatches, metricValue, readTopic, sonarRows } from '@sonar/testkit';

const RECOVERY_LIMIT_MS = 60_000;

/**
 * kill -9 the broker mid-run and start it again: ingest, trainer and scorer must
 * recover on their own within 60 s, no reading ingest acknowledged may be lost,
 * and theta must equal an uninterrupted run over the same topic.
 */
export async function brokerRestart(seed: number): Promise<FaultRow> {
  const broker = await DedicatedBroker.start();
  const ctx = await testContext('fault-broker', { brokers: broker.brokers });
  const processes = new Processes();
  try {
    await ctx.createTopics(1);
    const ingest = await processes.start(ctx, 'ingest');
    const trainer = await processes.start(ctx, 'trainer', DETERMINISTIC);
    const scorer = await processes.start(ctx, 'scorer', { SCORER_SESSION_TIMEOUT_MS: 6000, SCORER_HEARTBEAT_MS: 1000 });
    await eventually(async () => (await fetch(`${ingest.url}/readyz`)).ok && (await fetch(`${trainer.url}/readyz`)).ok, 60_000, 'ingest and trainer');

    const readings = replayPlan(sonarRows(), { epochs: 1, shuffle: false, seed, holdout: 0.1, synthetic: 24_000, idPrefix: 'b' });
    const client = postReadings(ingest.url, readings, 1500);
    await sleep(5000);
    await broker.kill9();
    const killedAt = Date.now();
    await sleep(3000);
    const restartMs = await broker.restart();
    const restartedAt = Date.now();
    const [trainerBase, scorerBase] = await Promise.all([
      metricValue(trainer.port, 'sonar_trainer_readings_total'),
      metricValue(scorer.port, 'sonar_scorer_readings_total'),
    ]);
    const progressAfter = async (port: number, metric: string, base: number) => {
      await eventually(async () => (await metricValue(port, metric)) > base, RECOVERY_LIMIT_MS, `${metric} to move after the restart`);
      return Date.now() - restartedAt;
    };
    const [trainerRecovery, scorerRecovery] = await Promise.all([
      progressAfter(trainer.port, 'sonar_trainer_readings_total', trainerBase),
      progressAfter(scorer.port, 'sonar_scorer_readings_total', scorerBase),
    ]);
    const sent = await client;
    const ingestRecovery = Math.min(...sent.ackTimes.filter((t) => t > restartedAt)) - restartedAt;

    const records = await readTopic(ctx.kafka, ctx.topics.readings, { count: sent.acknowledged.size });
    const stored = records.map((m) => JSON.parse(m.value!.toString()) as { id: string; holdout?: boolean });
    const inTopic = new Set(stored.map((r) => r.id));
    const lost = [...sent.acknowledged].filter((id) => !inTopic.has(id));
    const trainable = stored.filter((r) => !r.holdout).length;
    const full = fullBatches(trainable, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const afterFault = await trainedAll(ctx, full);
    const reference = `${ctx.model}-uninterrupted`;
    await processes.start(ctx, 'trainer', DETERMINISTIC, reference, 'reference');
    const uninterrupted = await trainedAll(ctx, full, reference);
    const identical = sameBits(afterFault.state.theta, uninterrupted.state.theta);
    const classified = await readTopic(ctx.kafka, ctx.topics.classified, { count: records.length });
    const classifiedIds = new Set(classified.map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id));
    const unclassified = [...inTopic].filter((id) => !classifiedIds.has(id)).length;

    const recoveredInTime = Math.max(ingestRecovery, trainerRecovery, scorerRecovery) <= RECOVERY_LIMIT_MS;
    check(recoveredInTime, 'every service recovered within 60 s of the restart');
    check(lost.length === 0, `no acknowledged reading lost (lost ${lost.length})`);
    check(identical, 'theta equals the uninterrupted run');
    check(unclassified === 0, `every reading classified (${unclassified} missing)`);
    return {
      fault: 'broker kill -9 and restart',
      injected: `broker SIGKILL 5 s into a 1500/s stream through ingest, restarted 3 s later (${(restartMs / 1000).toFixed(1)} s to serve groups)`,
      recovery: `ingest ${(ingestRecovery / 1000).toFixed(1)} s, trainer ${(trainerRecovery / 1000).toFixed(1)} s, scorer ${(scorerRecovery / 1000).toFixed(1)} s after the broker was back (${((restartedAt - killedAt) / 1000).toFixed(1)} s down)`,
      held: `${sent.acknowledged.size.toLocaleString('en-US')} acknowledged readings, ${lost.length} lost, ${sent.failedRequests} requests refused; theta ${identical ? 'bit-identical to' : 'DIFFERENT from'} the uninterrupted run; ${unclassified} readings unclassified`,
    };
  } finally {
    await processes.stopAll();
    await ctx.cleanup().catch(() => undefined);
    await broker.stop();
  }
}
