import { METRICS } from '@sonar/contracts';
import { scrape, sumOf } from '@sonar/runtime';
import type { DemoPorts } from './services.ts';

/** What the demo reads from the services' /metrics for its progress line and summary. */
export interface PipelineSnapshot {
  ingested?: number | undefined;
  ingestRejected?: number | undefined;
  /** Labeled, non-holdout readings applied to the model. */
  trained?: number | undefined;
  /** Every valid reading the trainer consumed (trained, held out, unlabeled). */
  consumedByTrainer?: number | undefined;
  trainerVersion?: number | undefined;
  cost?: number | undefined;
  progressiveAccuracy?: number | undefined;
  scored?: number | undefined;
  scorerVersion?: number | undefined;
  holdoutAccuracy?: number | undefined;
  deadLetters: number;
}

export async function snapshot(ports: DemoPorts): Promise<PipelineSnapshot> {
  const [ingest, trainer, scorer] = await Promise.all(
    [ports.ingest, ports.trainer, ports.scorer].map(async (port) => {
      const result = await scrape(`http://127.0.0.1:${port}/metrics`, 1000);
      return result.up ? result.samples : [];
    }),
  );
  const batches = sumOf(trainer!, METRICS.trainerBatches) ?? 0;
  return {
    ingested: sumOf(ingest!, METRICS.ingestReadings),
    ingestRejected: sumOf(ingest!, METRICS.ingestRejected),
    trained: sumOf(trainer!, METRICS.trainerReadings, { kind: 'trained' }),
    consumedByTrainer: sumOf(trainer!, METRICS.trainerReadings),
    trainerVersion: sumOf(trainer!, METRICS.trainerModelVersion),
    cost: batches > 0 ? sumOf(trainer!, METRICS.trainerCost) : undefined,
    progressiveAccuracy: batches > 0 ? sumOf(trainer!, METRICS.trainerAccuracy) : undefined,
    scored: sumOf(scorer!, METRICS.scorerReadings),
    scorerVersion: sumOf(scorer!, METRICS.scorerModelVersion),
    holdoutAccuracy: sumOf(scorer!, METRICS.scorerAccuracy, { split: 'holdout' }),
    deadLetters: (sumOf(trainer!, METRICS.trainerRejected) ?? 0) + (sumOf(scorer!, METRICS.scorerRejected) ?? 0),
  };
}
