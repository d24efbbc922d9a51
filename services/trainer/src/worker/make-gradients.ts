import { THETA_LENGTH, type GradientRecord } from '@sonar/contracts';
import { batchPass, predictLabel } from '@sonar/model';
import type { Intake } from '../learner/intake.ts';

export interface GradientSettings {
  model: string;
  worker: string;
  batchSize: number;
  /** 0: mini-batches by count only; else a partial one goes once its oldest reading waited this long. */
  maxWaitMs: number;
}

/** The model a gradient is computed at: the newest the worker holds (version 0: none yet, theta = 0). */
export interface HeldModel {
  version: number;
  theta: Float64Array;
}

/**
 * Up to `limit` mini-batches of one partition's intake as gradient records at the
 * held model: each batch scored first (progressive validation, as in exact mode),
 * its data gradient and cost summed (no L2 term: the applier adds it at its own θ).
 * The batches leave the intake. With a max wait, a partial batch that waited long
 * enough goes too. A batch whose sums leave the finite numbers (features near the
 * largest doubles) is the health gate's, as in exact mode: counted, never sent.
 */
export function makeGradients(intake: Intake, partition: number, model: HeldModel, settings: GradientSettings, now: number, limit: number): MadeGradients {
  const made: MadeGradients = { records: [], gated: 0 };
  for (let batches = 0; batches < limit; batches++) {
    const size = dueBatchSize(intake, settings, now);
    if (size === 0) break;
    const record = gradientOf(intake, partition, model, settings, size);
    if (Number.isFinite(record.costSum) && record.gradientSum.every(Number.isFinite)) made.records.push(record);
    else made.gated += size;
    intake.take(size);
  }
  return made;
}

export interface MadeGradients {
  records: GradientRecord[];
  /** Readings of batches the health gate refused (sums not finite). */
  gated: number;
}

/** How many readings the next mini-batch takes now: a full one, a partial one past the max wait, or none. */
export function dueBatchSize(intake: Intake, settings: GradientSettings, now: number): number {
  if (intake.buffered >= settings.batchSize) return settings.batchSize;
  const oldest = intake.oldestArrival();
  if (settings.maxWaitMs > 0 && oldest !== undefined && now - oldest >= settings.maxWaitMs) return intake.buffered;
  return 0;
}

let probabilities = new Float64Array(0);
const mean = new Float64Array(THETA_LENGTH);

function gradientOf(intake: Intake, partition: number, model: HeldModel, settings: GradientSettings, size: number): GradientRecord {
  if (probabilities.length < size) probabilities = new Float64Array(size);
  const batch = intake.peek(size);
  const cost = batchPass(model.theta, batch, 0, probabilities, mean);
  let hits = 0;
  for (let i = 0; i < size; i++) if (predictLabel(probabilities[i]!) === batch.y[i]) hits += 1;
  const gradientSum = new Float64Array(THETA_LENGTH);
  for (let j = 0; j < THETA_LENGTH; j++) gradientSum[j] = mean[j]! * size;
  return {
    model: settings.model,
    worker: settings.worker,
    n: size,
    gradientSum,
    costSum: cost * size,
    hits,
    modelVersion: model.version,
    partition,
    ...intake.offsetRange(size),
  };
}
