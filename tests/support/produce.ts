import type { Kafka } from 'kafkajs';
import { BatchingProducer, createProducer } from '@sonar/kafka';
import { kafkaSink, plannedCount, produce, ReadingPublisher, replayPlan, sonarSourceRows, type ReplayOptions, type SourceRow } from '@sonar/ingest';

export const sonarRows = (): SourceRow[] => sonarSourceRows();

/** Labeled, non-holdout readings of a plan: what a trainer applies (up to a last partial batch). */
export function plannedTrainable(options: Partial<ReplayOptions>): number {
  const plan: ReplayOptions = { epochs: 1, shuffle: false, seed: 42, holdout: 0, idPrefix: 'r', ...options };
  let count = 0;
  for (const reading of replayPlan(sonarRows(), plan)) if (reading.label !== undefined && !reading.holdout) count += 1;
  return count;
}

/** Publishes a replay plan straight to a topic, as `sonar produce` does; returns the count sent (all, or up to `signal`). */
export async function produceReadings(
  kafka: Kafka,
  topic: string,
  options: Partial<ReplayOptions> & { rate?: number; format?: 'json' | 'csv'; signal?: AbortSignal } = {},
): Promise<number> {
  const rows = sonarRows();
  const plan: ReplayOptions = { epochs: 1, shuffle: false, seed: 42, holdout: 0, idPrefix: 'r', ...options };
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const publisher = new ReadingPublisher(new BatchingProducer(producer), topic, options.format ?? 'json');
    const result = await produce(replayPlan(rows, plan), plannedCount(rows, plan), kafkaSink(publisher), { rate: options.rate ?? 0, signal: options.signal });
    return result.acked;
  } finally {
    await producer.disconnect();
  }
}
