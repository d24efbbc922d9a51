import { METRICS } from '@sonar/contracts';
import { scrape, sumDefined, sumOf, type Sample } from '@sonar/runtime';
import { shadowMetrics } from '../shadow-metrics.ts';
import { demoWorkerId, type DemoPorts } from './services.ts';

/** One gradient worker of parallel mode, from its own /metrics and the applier's. */
export interface WorkerSnapshot {
  id: string;
  port: number;
  /** Labeled, non-holdout readings it sent in committed gradients. */
  sent?: number | undefined;
  /** Its gradients the applier applied. */
  applied?: number | undefined;
}

/** A trainer (the serving one, or `--shadow`'s challenger) as its /metrics show it. */
export interface TrainerSnapshot {
  version?: number | undefined;
  cost?: number | undefined;
  progressiveAccuracy?: number | undefined;
}

/** The scorer's shadow comparison over its recent readings (holdout ones for accuracy and log-loss). */
export interface ShadowSnapshot {
  servingAccuracy?: number | undefined;
  challengerAccuracy?: number | undefined;
  servingLogLoss?: number | undefined;
  challengerLogLoss?: number | undefined;
  agreement?: number | undefined;
  /** The challenger's version the scorer scored with last. */
  challengerVersion?: number | undefined;
}

/** What the demo reads from the services' /metrics for its progress line and summary. */
export interface PipelineSnapshot {
  ingested?: number | undefined;
  ingestRejected?: number | undefined;
  /** Labeled, non-holdout readings applied to the model. */
  trained?: number | undefined;
  /** Every valid reading consumed for training (trained, held out, unlabeled): by the trainer, or in parallel mode by the workers together. */
  consumedByTrainer?: number | undefined;
  trainerVersion?: number | undefined;
  cost?: number | undefined;
  progressiveAccuracy?: number | undefined;
  scored?: number | undefined;
  scorerVersion?: number | undefined;
  holdoutAccuracy?: number | undefined;
  deadLetters: number;
  /** Parallel mode only. */
  workers: WorkerSnapshot[];
  /** Parallel mode: versions a gradient was behind the applier's model, on average. */
  meanStaleness?: number | undefined;
  /** `--shadow` only. */
  challenger?: TrainerSnapshot | undefined;
  shadow?: ShadowSnapshot | undefined;
}

async function samplesAt(port: number): Promise<Sample[]> {
  const result = await scrape(`http://127.0.0.1:${port}/metrics`, 1000);
  return result.up ? result.samples : [];
}

export async function snapshot(ports: DemoPorts): Promise<PipelineSnapshot> {
  const [[ingest, trainer, scorer, ...workers], challenger] = await Promise.all([
    Promise.all([ports.ingest, ports.trainer, ports.scorer, ...ports.workers].map(samplesAt)),
    ports.challenger === undefined ? undefined : samplesAt(ports.challenger),
  ]);
  const main = trainerSide(trainer!);
  const parallel = ports.workers.length > 0;
  const stalenessCount = sumOf(trainer!, `${METRICS.trainerGradientStaleness}_count`) ?? 0;
  const ofWorkers = (metric: string, labels?: Record<string, string>) => sumDefined(workers.map((samples) => sumOf(samples, metric, labels)));
  return {
    ingested: sumOf(ingest!, METRICS.ingestReadings),
    ingestRejected: sumOf(ingest!, METRICS.ingestRejected),
    trained: sumOf(trainer!, METRICS.trainerReadings, { kind: 'trained' }),
    consumedByTrainer: parallel ? ofWorkers(METRICS.workerReadings) : sumOf(trainer!, METRICS.trainerReadings),
    trainerVersion: main.version,
    cost: main.cost,
    progressiveAccuracy: main.progressiveAccuracy,
    scored: sumOf(scorer!, METRICS.scorerReadings),
    scorerVersion: sumOf(scorer!, METRICS.scorerModelVersion),
    holdoutAccuracy: sumOf(scorer!, METRICS.scorerAccuracy, { split: 'holdout' }),
    deadLetters: (sumOf(trainer!, METRICS.trainerRejected) ?? 0) + (ofWorkers(METRICS.workerRejected) ?? 0) + (sumOf(scorer!, METRICS.scorerRejected) ?? 0),
    workers: ports.workers.map((port, i) => ({
      id: demoWorkerId(i),
      port,
      sent: sumOf(workers[i]!, METRICS.workerReadings, { kind: 'sent' }),
      applied: sumOf(trainer!, METRICS.trainerGradients, { worker: demoWorkerId(i), outcome: 'applied' }),
    })),
    meanStaleness: stalenessCount > 0 ? sumOf(trainer!, `${METRICS.trainerGradientStaleness}_sum`)! / stalenessCount : undefined,
    ...(challenger ? { challenger: trainerSide(challenger), shadow: shadowSide(scorer!) } : {}),
  };
}

/** A trainer's version, and its cost and progressive accuracy once it trained a batch. */
function trainerSide(samples: Sample[]): TrainerSnapshot {
  const trained = (sumOf(samples, METRICS.trainerBatches) ?? 0) > 0;
  return {
    version: sumOf(samples, METRICS.trainerModelVersion),
    cost: trained ? sumOf(samples, METRICS.trainerCost) : undefined,
    progressiveAccuracy: trained ? sumOf(samples, METRICS.trainerAccuracy) : undefined,
  };
}

/** Nothing until the scorer held a challenger version: its unlabeled gauges read 0 before. */
function shadowSide(scorer: Sample[]): ShadowSnapshot {
  const live = shadowMetrics(scorer);
  if (live.shadowVersion === undefined || live.shadowVersion < 1) return {};
  return {
    servingAccuracy: live.serving.accuracy,
    challengerAccuracy: live.shadow.accuracy,
    servingLogLoss: live.serving.logLoss,
    challengerLogLoss: live.shadow.logLoss,
    agreement: live.agreement,
    challengerVersion: live.shadowVersion,
  };
}
