import { replayPlan } from '@sonar/ingest';
import { testContext } from '../../support/context.ts';
import { DedicatedBroker } from '../support/dedicated-broker.ts';
import { postReadings } from '../support/ingest-client.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sameBits, sampleMetric, sendRecords, sleep, trainedAll } from './common.ts';
import { eventually, fullBatches, metricValue, readTopic, sonarRows } from '@sonar/testkit';

const RATE = 1000;
const ACK_TIMEOUT_MS = 2000;
const MAX_PENDING = 5000;
/** Clients give a request up after this long without an answer... */
const CLIENT_TIMEOUT_MS = 5000;
/** ...and ingest, stalled this long, answers some only after that. */
const INGEST_STALL_MS = 7000;
/** Ingest's resident memory may grow by at most this much over its level before the outage. */
const RSS_GROWTH_LIMIT = 150 * 1024 * 1024;

/**
 * The broker goes away (SIGKILL) for `outageMs` and comes back, then ingest stalls
 * (SIGSTOP) past the clients' timeout, while HTTP clients keep posting to ingest, posting
 * a request again with the same readings after a 503 or no answer in time: ingest's
 * memory stays bounded, no acknowledged reading is lost, and no reading is trained twice,
 * although the readings of requests answered 503 at their deadline reach Kafka once it is
 * back, those of requests read after their client gave up are written all the same, and
 * the clients post them all again.
 */
export async function kafkaOutage(outageMs: number, seed: number): Promise<FaultRow> {
  const broker = await DedicatedBroker.start();
  const ctx = await testContext('fault-kafka-away', { brokers: broker.brokers });
  const processes = new Processes();
  try {
    await ctx.createTopics(1);
    const ingest = await processes.start(ctx, 'ingest', { INGEST_ACK_TIMEOUT_MS: ACK_TIMEOUT_MS, INGEST_MAX_PENDING: MAX_PENDING });
    const trainer = await processes.start(ctx, 'trainer', DETERMINISTIC);
    await eventually(async () => (await fetch(`${ingest.url}/readyz`)).ok && (await fetch(`${trainer.url}/readyz`)).ok, 60_000, 'ingest and trainer');

    // Posting goes on past the restart (which takes 15 to 20 s here) and the stall.
    const count = RATE * Math.round(5 + outageMs / 1000 + 30);
    const plan = [...replayPlan(sonarRows(), { epochs: 1, shuffle: false, seed, holdout: 0.1, synthetic: count, idPrefix: 'k' })];
    const rss = sampleMetric(ingest.port, 'process_resident_memory_bytes', 250);
    const client = postReadings(ingest.url, plan, RATE, { retry: true, timeoutMs: CLIENT_TIMEOUT_MS });
    await sleep(5000);
    await broker.kill9();
    const killedAt = Date.now();
    await sleep(outageMs);
    const restartMs = await broker.restart();
    const restartedAt = Date.now();
    // Then ingest stalls (SIGSTOP) past the clients' timeout: they post again while their first requests wait to be read.
    await sleep(2000);
    ingest.proc.signal('SIGSTOP');
    await sleep(INGEST_STALL_MS);
    ingest.proc.signal('SIGCONT');
    const sent = await client;
    await rss.stop();

    const records = await readTopic(ctx.kafka, ctx.topics.readings, { idleMs: 3000, timeoutMs: 120_000 });
    const stored = records.map((m) => JSON.parse(m.value!.toString()) as { id: string });
    const firstAt = new Map<string, number>();
    let farthest = 0;
    stored.forEach((r, offset) => {
      const first = firstAt.get(r.id);
      if (first === undefined) firstAt.set(r.id, offset);
      else farthest = Math.max(farthest, offset - first);
    });
    const lost = [...sent.acknowledged].filter((id) => !firstAt.has(id)).length;
    const twice = stored.length - firstAt.size;
    const trainable = plan.filter((r) => sent.acknowledged.has(r.id) && r.label !== undefined && !r.holdout).length;
    const full = fullBatches(trainable, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const final = await trainedAll(ctx, full, ctx.model, trainer);

    // The same readings, each once, in the order they first arrived: a trainer that trained no retry learns exactly this.
    const once = ctx.topicsFor('once');
    await ctx.createTopics(1, once);
    const first = new Set(firstAt.values());
    await sendRecords(ctx.kafka, once.readings, records.filter((_, offset) => first.has(offset)).map((m) => ({ key: m.key, value: m.value })));
    const reference = `${ctx.model}-once`;
    const onceTrainer = await processes.start(ctx, 'trainer', { ...DETERMINISTIC, TRAIN_DEDUP_WINDOW: 0, TOPIC_READINGS: once.readings, TOPIC_MODELS: once.models, TOPIC_DLQ: once.deadLetters }, reference, 'reference');
    const deduplicated = await trainedAll(ctx, full, reference, onceTrainer);
    const identical = sameBits(final.state.theta, deduplicated.state.theta);

    const baseline = Math.max(...rss.samples.filter((s) => s.at < killedAt).map((s) => s.value));
    const peak = Math.max(...rss.samples.map((s) => s.value));
    const running = [ingest, trainer].every((s) => s.proc.child.exitCode === null);
    const ready = (await Promise.all([ingest, trainer].map(async (s) => (await fetch(`${s.url}/readyz`)).ok))).every(Boolean);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    check(sent.acknowledged.size === plan.length, `every reading acknowledged in the end (${sent.acknowledged.size} of ${plan.length}; answers other than 202: ${JSON.stringify(sent.errors)})`);
    check(lost === 0, `no acknowledged reading lost (${lost})`);
    const timedOut = sent.errors.kafka_unavailable ?? 0;
    const repeated = await metricValue(ingest.port, 'sonar_ingest_repeated_total');
    const clientTimeouts = sent.errors['no answer in time'] ?? 0;
    check(timedOut > 0 && clientTimeouts > 0 && repeated > 0, `requests answered 503 at the deadline (${timedOut}) or not in time (${clientTimeouts}) were posted again, their readings not sent twice (${repeated}): ${JSON.stringify(sent.errors)}`);
    check(peak - baseline < RSS_GROWTH_LIMIT, `ingest RSS ${mb(baseline)} before the outage, at most ${mb(peak)}: bounded`);
    check(final.samples === full, `samples ${final.samples} = ${full}: the distinct acknowledged trainable readings in full batches (of ${trainable}; ${twice} readings in the topic twice, at most ${farthest} offsets apart)`);
    check(identical, 'theta bit-identical to a run on each reading once');
    check(running && ready, 'ingest and trainer running and ready');
    return {
      fault: 'kafka away, clients retrying',
      injected: `broker SIGKILL 5 s into a ${RATE}/s stream of ${plan.length.toLocaleString('en-US')} readings posted to ingest (INGEST_ACK_TIMEOUT_MS ${ACK_TIMEOUT_MS}, INGEST_MAX_PENDING ${MAX_PENDING}), restarted ${outageMs / 1000} s later (${(restartMs / 1000).toFixed(1)} s to serve groups, ${((restartedAt - killedAt) / 1000).toFixed(1)} s away in all), then ingest SIGSTOPped for ${INGEST_STALL_MS / 1000} s; clients post again with the same ids after a 503 or ${CLIENT_TIMEOUT_MS / 1000} s without an answer`,
      held: `ingest RSS ${mb(baseline)} before, ${mb(peak)} at most; ${sent.retries.toLocaleString('en-US')} retries (503s: ${Object.entries(sent.errors).map(([e, n]) => `${e} ${n}`).join(', ')}); ${repeated.toLocaleString('en-US')} readings posted again acknowledged without a second send; ${sent.acknowledged.size.toLocaleString('en-US')} readings acknowledged, ${lost} lost; ${twice} in the topic twice${twice > 0 ? ` (at most ${farthest} offsets apart)` : ''}; none trained twice: samples ${final.samples} = ${full}, theta ${identical ? 'bit-identical to' : 'DIFFERENT from'} a run on each reading once`,
    };
  } finally {
    await processes.stopAll();
    await ctx.cleanup().catch(() => undefined);
    await broker.stop();
  }
}
