import { replayPlan } from '@sonar/ingest';
import type { TestContext } from '../../support/context.ts';
import { inSync, kill9, partitions } from '../../support/ha.ts';
import type { FaultHa } from '../support/ha-stack.ts';
import { postReadings } from '../support/ingest-client.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sleep, trainedAll } from './common.ts';
import { eventually, fullBatches, readTopic, sonarRows } from '@sonar/testkit';

const BROKERS = [1, 2, 3];

/**
 * On the HA stack, kill -9 the broker that leads the readings partition while HTTP clients post
 * to ingest, and start it again: nothing ingest acknowledged is lost (in the topic, and
 * classified), the trainer's samples are exact, and a transactional scorer shows a
 * read_committed consumer no duplicate event.
 */
export async function haLeaderKill(ctx: TestContext, ha: FaultHa, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    const ingest = await processes.start(ctx, 'ingest', ha.serviceEnv('ingest'));
    await processes.start(ctx, 'trainer', { ...ha.serviceEnv('trainer'), ...DETERMINISTIC });
    await processes.start(ctx, 'scorer', { ...ha.serviceEnv('scorer'), SCORER_EXACTLY_ONCE: true, SCORER_SESSION_TIMEOUT_MS: 6000, SCORER_HEARTBEAT_MS: 1000 });
    await eventually(async () => (await fetch(`${ingest.url}/readyz`)).ok, 60_000, 'ingest');

    const readings = replayPlan(sonarRows(), { epochs: 1, shuffle: false, seed, holdout: 0.1, synthetic: 18_013, idPrefix: 'ha' });
    const client = postReadings(ingest.url, readings, 1500);
    await sleep(4000);
    const [{ leader } = { leader: -1 }] = await partitions(ctx.admin, ctx.topics.readings);
    const node = ha.stack.kafkaNodes()[leader - 1];
    if (!node) throw new Error(`the readings partition has no leader (${leader})`);
    await kill9(node.pid, `broker ${leader}, the readings partition's leader`);
    const killedAt = Date.now();
    await eventually(async () => {
      const [p] = await partitions(ctx.admin, ctx.topics.readings);
      return p !== undefined && p.leader !== leader && BROKERS.includes(p.leader);
    }, 30_000, 'a new leader of the readings partition');
    const failoverMs = Date.now() - killedAt;
    await sleep(2000);
    await node.up(() => undefined);
    await inSync(ctx.admin, ctx.topics.readings, BROKERS);
    const backInSyncMs = Date.now() - killedAt;
    const sent = await client;

    const [end] = await ctx.admin.fetchTopicOffsets(ctx.topics.readings);
    const records = await readTopic(ctx.kafka, ctx.topics.readings, { count: Number(end!.high) });
    const stored = records.map((m) => JSON.parse(m.value!.toString()) as { id: string; label?: number | null; holdout?: boolean });
    const perId = countBy(stored.map((r) => r.id));
    const lost = [...sent.acknowledged].filter((id) => !perId.has(id)).length;
    const unacknowledged = [...perId.keys()].filter((id) => !sent.acknowledged.has(id)).length;
    const written = new Map(stored.map((r) => [r.id, r]));
    const trainable = [...written.values()].filter((r) => r.label !== undefined && r.label !== null && !r.holdout).length;
    const full = fullBatches(trainable, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const final = await trainedAll(ctx, full);
    // Settled a little past the expected count: a sample too many would show.
    await sleep(2 * DETERMINISTIC.TRAIN_CHECKPOINT_INTERVAL_MS);
    const samples = (await trainedAll(ctx, full)).samples;

    const events = await readTopic(ctx.kafka, ctx.topics.classified, { count: records.length, readCommitted: true, timeoutMs: 120_000 });
    const eventsPerId = countBy(events.map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id));
    // A duplicate event: more events for an id than records of it in the readings topic.
    const duplicates = [...eventsPerId].reduce((sum, [id, n]) => sum + Math.max(0, n - (perId.get(id) ?? 0)), 0);
    const unclassified = [...sent.acknowledged].filter((id) => !eventsPerId.has(id)).length;

    check(lost === 0, `every acknowledged reading in the readings topic (${lost} lost)`);
    check(unclassified === 0, `every acknowledged reading classified (${unclassified} missing)`);
    check(samples === full && final.samples === full, `samples ${samples} = ${full} labeled non-holdout readings in full batches (of ${trainable})`);
    check(duplicates === 0, `no duplicate event for a read_committed consumer (${duplicates})`);
    return {
      fault: 'HA: partition leader kill -9',
      injected: `broker ${leader} (leader of the readings partition) SIGKILL 4 s into a 1500/s stream through ingest, restarted 2 s after a new leader was elected`,
      recovery: `new leader after ${(failoverMs / 1000).toFixed(1)} s; the killed broker back in the ISR ${(backInSyncMs / 1000).toFixed(1)} s after the kill`,
      held: `${sent.acknowledged.size.toLocaleString('en-US')} acknowledged, ${lost} lost, ${unclassified} unclassified (${sent.failedRequests} requests refused, ${unacknowledged} readings written but not acknowledged); samples ${samples} = ${full} of ${trainable} trainable; ${duplicates} duplicate events (exactly once, read_committed)`,
    };
  } finally {
    await processes.stopAll();
    await ha.whole();
  }
}

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
