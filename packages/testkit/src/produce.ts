import type { Kafka } from 'kafkajs';
import { BatchingProducer, createProducer } from '@sonar/kafka';
import { kafkaSink, plannedCount, produce, ReadingPublisher, replayPlan, sonarSourceRows, type ReplayOptions, type SourceRow } from '@sonar/ingest';
import type { ReadingFormat } from '@sonar/contracts';

export const sonarRows = (): SourceRow[] => sonarSourceRows();

const DEFAULT_PLAN: ReplayOptions = { epochs: 1, shuffle: false, seed: 42, holdout: 0, idPrefix: 'r' };

/** Labeled, non-holdout readings of a plan: what a trainer applies (up to a last partial batch). */
export function plannedTrainable(options: Partial<ReplayOptions>): number {
  let count = 0;
  for (const reading of replayPlan(sonarRows(), { ...DEFAULT_PLAN, ...options })) if (reading.label !== undefined && !reading.holdout) count += 1;
  return count;
}

/** What a trainer has applied of `n` trainable readings in mini-batches of `batch`: every full one. */
export function fullBatches(n: number, batch: number): number {
  return n - (n % batch);
}

export interface ProduceOptions extends Partial<ReplayOptions> {
  /** Readings per second; 0 = as fast as possible. */
  rate?: number;
  format?: ReadingFormat;
  signal?: AbortSignal;
  /** The producer's linger (ms): short for latency measurements. */
  lingerMs?: number;
}

/** Publishes a replay plan straight to a topic, as `sonar produce` does; returns the count acknowledged (all, or up to `signal`). */
export async function produceReadings(kafka: Kafka, topic: string, options: ProduceOptions = {}): Promise<number> {
  const rows = sonarRows();
  const plan: ReplayOptions = { ...DEFAULT_PLAN, ...options };
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const batching = new BatchingProducer(producer, options.lingerMs === undefined ? {} : { lingerMs: options.lingerMs });
    const publisher = new ReadingPublisher(batching, topic, options.format ?? 'json');
    const result = await produce(replayPlan(rows, plan), plannedCount(rows, plan), kafkaSink(publisher), { rate: options.rate ?? 0, signal: options.signal });
    return result.acked;
  } finally {
    await producer.disconnect();
  }
}
