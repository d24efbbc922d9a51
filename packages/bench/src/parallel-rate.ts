import { encodeGradient, METRICS, THETA_LENGTH } from '@sonar/contracts';
import { BatchingProducer, createProducer } from '@sonar/kafka';
import type { RunScope, ServiceProcess } from '@sonar/testkit';
import { runBaseline } from './baseline-script.ts';
import { firstToLast, total, watchCounter, type FirstToLast, type Throughput } from './measure.ts';

const BATCH = 32;
const GRADIENT_PARTITIONS = 3;

export interface ParallelFigures {
  /** Gradients/s the applier applies from a pre-filled gradient topic, and the readings/s that implies at batches of 32. */
  applier: Throughput & { impliedReadingsPerSecond: number };
  /** A no-op kafkajs consumer on the same gradient topic. */
  noop: Throughput;
  /** Readings/s learnt end to end (workers and the applier) from a pre-filled readings topic, per number of workers. */
  workers: { workers: number; rate: Throughput }[];
}

/**
 * Parallel mode: the applier's ceiling on `gradients` pre-filled gradient records
 * (beside a no-op consumer on them), then the whole of it (1, 2, 3 workers and the
 * applier) on the pre-filled readings topic.
 */
export async function parallelThroughput(run: RunScope, readingsTopic: string, readings: number, gradients: number, say: (m: string) => void): Promise<ParallelFigures> {
  const topic = await prefillGradients(run, `${run.model}-applier`, gradients);
  say(`applier on ${gradients.toLocaleString('en-US')} pre-filled gradients, then a no-op kafkajs consumer on them`);
  const { proc: applier, port } = await run.serviceOnFreePort('trainer', { TRAINER_ROLE: 'applier', TRAIN_BATCH_SIZE: BATCH }, 'applier', { model: `${run.model}-applier`, topics: { ...run.topicsFor('applier'), gradients: topic } });
  const applied = await watchCounter(port, (s) => total(s, METRICS.trainerReadings), gradients * BATCH);
  await applier.stop();
  const noop = firstToLast(await runBaseline<FirstToLast>('./noop-consumer.ts', { BENCH_BROKERS: run.brokers.join(','), BENCH_TOPIC: topic, BENCH_GROUP: `${run.id}-noop-gradients`, BENCH_COUNT: String(gradients) }));
  const gradientRate = applied.throughput.perSecond / BATCH;

  const workers: ParallelFigures['workers'] = [];
  for (const count of [1, 2, 3]) {
    say(`parallel mode end to end: ${count} worker${count > 1 ? 's' : ''} and the applier on the pre-filled readings`);
    workers.push({ workers: count, rate: await endToEnd(run, readingsTopic, readings, count) });
  }
  return {
    applier: { count: applied.throughput.count / BATCH, seconds: applied.throughput.seconds, perSecond: gradientRate, impliedReadingsPerSecond: gradientRate * BATCH },
    noop,
    workers,
  };
}

/** Gradient records of full mini-batches, as workers send them: 3 partitions of consecutive reading ranges, small sums. */
async function prefillGradients(run: RunScope, model: string, count: number): Promise<string> {
  const topic = await run.createTopic(`${run.topicPrefix}prefilled-gradients`, GRADIENT_PARTITIONS);
  const producer = createProducer(run.kafka);
  await producer.connect();
  try {
    const batching = new BatchingProducer(producer);
    const gradientSum = Float64Array.from({ length: THETA_LENGTH }, (_, j) => ((j % 7) - 3) * 1e-3);
    const sends: Promise<void>[] = [];
    for (let from = 0; from < count; from += 5000) {
      const messages = [];
      for (let i = from; i < Math.min(count, from + 5000); i++) {
        const partition = i % 6;
        const fromOffset = Math.floor(i / 6) * BATCH;
        const value = encodeGradient({ model, worker: `w${partition % 3}`, n: BATCH, gradientSum, costSum: 0.6 * BATCH, hits: 20, modelVersion: 0, partition, fromOffset, toOffset: fromOffset + BATCH - 1 });
        messages.push({ key: String(partition), value: Buffer.from(value) });
      }
      sends.push(batching.send(topic, messages));
    }
    await Promise.all(sends);
    await batching.flush();
  } finally {
    await producer.disconnect();
  }
  return topic;
}

/** Readings/s from the first gradient applied to the last: `workers` workers and one applier on a pre-filled readings topic. */
async function endToEnd(run: RunScope, readingsTopic: string, readings: number, workers: number): Promise<Throughput> {
  const model = `${run.model}-parallel-${workers}`;
  const topics = { ...run.topicsFor(`parallel-${workers}`), readings: readingsTopic };
  const settings = { TRAIN_BATCH_SIZE: BATCH, TRAINER_SESSION_TIMEOUT_MS: 6000, TRAINER_HEARTBEAT_MS: 1000 };
  const started: ServiceProcess[] = [];
  try {
    const applier = await run.serviceOnFreePort('trainer', { ...settings, TRAINER_ROLE: 'applier' }, `parallel-${workers}-applier`, { model, topics });
    started.push(applier.proc);
    for (let w = 1; w <= workers; w++) {
      started.push((await run.serviceOnFreePort('trainer', { ...settings, TRAINER_ROLE: 'worker', TRAINER_WORKER_ID: `w${w}` }, `parallel-${workers}-worker-${w}`, { model, topics })).proc);
    }
    // Count-only batches: the last partial mini-batch of each of the topic's 3 partitions waits.
    const { throughput } = await watchCounter(applier.port, (s) => total(s, METRICS.trainerReadings), readings - 3 * (BATCH - 1));
    return throughput;
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}
