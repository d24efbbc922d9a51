import { randomBytes } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { decodeClassified } from '@sonar/contracts';
import { eventually } from '@sonar/runtime';
import { produceReadings, type RunScope } from '@sonar/testkit';
import { runBaseline } from './baseline-script.ts';
import { quantile, sampleRss, type RssTrace } from './measure.ts';

export interface Latency {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LatencyFigures {
  scorer: Latency;
  scorerRss: RssTrace;
  relay: Latency;
  propagation: Latency;
}

const WARM_UP_MS = 2000;

/**
 * End-to-end latency at a fixed open-loop rate: reading stamped and sent → its
 * output record read by a consumer, for the scorer and for the relay. While the
 * scorer runs, new model versions are checkpointed: propagation is checkpoint
 * time → the first reading scored with that version.
 */
export async function latencies(
  run: RunScope,
  rate: number,
  seconds: number,
  versions: number,
  publishModel: (model: string, version: number) => Promise<number>,
): Promise<LatencyFigures> {
  const topics = run.topicsFor('latency');
  await createTopics(run, [topics.readings, topics.classified]);
  const model = `${run.model}-latency`;
  await publishModel(model, 1);
  const { port } = await run.serviceOnFreePort('scorer', { SCORER_POLL_MS: 1000 }, 'latency-scorer', { model, topics });
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 60_000, 'the scorer');

  const firstScored = new Map<number, number>();
  const scorerProbe = await probe(run, topics.classified, (value, arrivedAt, samples) => {
    const event = decodeClassified(value);
    samples.push(arrivedAt - event.readingTs);
    if (!firstScored.has(event.modelVersion)) firstScored.set(event.modelVersion, event.scoredAt);
  });
  const published = new Map<number, number>();
  const rss = sampleRss(port, 500);
  const updates = (async () => {
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    for (let version = 2; version <= versions + 1; version++) {
      await new Promise((resolve) => setTimeout(resolve, ((seconds * 1000 - WARM_UP_MS) * 0.9) / versions));
      published.set(version, await publishModel(model, version));
    }
  })();
  await openLoop(run, topics.readings, rate, seconds);
  await updates;
  const scorer = await scorerProbe.stop(rate * seconds);
  const scorerRss = rss.stop();

  const relayTopics = run.topicsFor('latency-relay');
  await createTopics(run, [relayTopics.readings, relayTopics.classified]);
  let stopRelay!: () => void;
  const relayStopped = new Promise<void>((resolve) => (stopRelay = resolve));
  const relayDone = runBaseline(
    './relay.ts',
    { BENCH_BROKERS: run.brokers.join(','), BENCH_TOPIC: relayTopics.readings, BENCH_OUTPUT: relayTopics.classified, BENCH_GROUP: `${run.id}-latency-relay` },
    relayStopped,
  );
  const relayProbe = await probe(run, relayTopics.classified, (value, arrivedAt, samples) => {
    samples.push(arrivedAt - (JSON.parse(value) as { ts: number }).ts);
  });
  await new Promise((resolve) => setTimeout(resolve, 3000)); // the relay joins its group
  await openLoop(run, relayTopics.readings, rate, seconds);
  const relay = await relayProbe.stop(rate * seconds);
  stopRelay();
  await relayDone;

  const propagation = [...published].flatMap(([version, at]) => {
    const scoredAt = firstScored.get(version);
    return scoredAt === undefined ? [] : [scoredAt - at];
  });
  return { scorer, scorerRss, relay, propagation: summarize(propagation) };
}

async function createTopics(run: RunScope, topics: string[]): Promise<void> {
  for (const topic of topics) await run.createTopic(topic, 3);
}

/** Readings stamped and sent at a fixed rate, whatever happens downstream (open loop). */
async function openLoop(run: RunScope, topic: string, rate: number, seconds: number): Promise<void> {
  const count = Math.round(rate * seconds);
  await produceReadings(run.kafka, topic, { seed: 5, holdout: 0.2, synthetic: count, idPrefix: 'l', rate, lingerMs: 1 });
}

/** A consumer that records, per output record, how long after its reading was sent it arrived. */
async function probe(run: RunScope, topic: string, record: (value: string, arrivedAt: number, samples: number[]) => void) {
  const consumer: Consumer = run.kafka.consumer({ groupId: `${run.id}-probe-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
  const samples: number[] = [];
  let seen = 0;
  const startedAt = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const arrivedAt = Date.now();
      for (const message of batch.messages) {
        seen += 1;
        if (arrivedAt - startedAt >= WARM_UP_MS) record(message.value!.toString(), arrivedAt, samples);
      }
    },
  });
  return {
    stop: async (expected: number): Promise<Latency> => {
      await eventually(() => seen >= expected, 60_000, `${expected} output records`).catch(() => undefined);
      await consumer.disconnect();
      return summarize(samples);
    },
  };
}

function summarize(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
}
