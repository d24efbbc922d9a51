import type { Batch } from './matrix.ts';
import { dot } from './sigmoid.ts';
import { logisticLoss } from './logistic-loss.ts';
import { MeanAccumulator } from './mean-accumulator.ts';
import { assertNotEmpty, assertThetaMatches } from './shape.ts';

/**
 * J(θ) = -(1/n) Σ [y log h + (1 - y) log(1 - h)] + (λ/2) Σ_{j≥1} θ_j², h = sigmoid(Xθ).
 * The bias θ_0 is not penalised. Finite whenever every score Xθ is finite.
 */
export function cost(theta: Float64Array, batch: Batch, l2 = 0): number {
  // Emptiness first: a batch without rows has no width to compare.
  assertNotEmpty(batch, 'cost');
  assertThetaMatches(theta, batch, 'cost');
  return meanLoss(theta, batch) + l2Penalty(theta, l2);
}

/**
 * The regularised objective J_λ(θ) = J(θ) + (λ/2)·Σ_{j≥1} θ_j², the function that
 * training with L2 strength λ minimises (the bias θ_0 is not penalised); J_0 = J.
 * Unlike `cost`, it refuses a λ that is negative or not finite.
 * Reference: S. le Cessie and J. C. van Houwelingen, "Ridge estimators in logistic regression", Applied Statistics 41 (1992) 191–201.
 */
export function regularisedObjective(theta: Float64Array, batch: Batch, l2: number): number {
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new Error(`regularisedObjective: l2 must be a finite number >= 0, got ${l2}`);
  return cost(theta, batch, l2);
}

/** (λ/2) Σ_{j≥1} θ_j². */
export function l2Penalty(theta: Float64Array, l2: number): number {
  if (l2 === 0) return 0;
  let squares = 0;
  for (let j = 1; j < theta.length; j++) squares += (theta[j] as number) * (theta[j] as number);
  return (l2 / 2) * squares;
}

function meanLoss(theta: Float64Array, batch: Batch): number {
  const { x, y, n, d } = batch;
  const mean = new MeanAccumulator();
  for (let i = 0; i < n; i++) mean.add(logisticLoss(dot(theta, x, i * d, d), y[i] as number));
  const result = mean.mean();
  return Number.isFinite(result) ? result : meanOfHugeLosses(theta, batch);
}

/**
 * The running sum can overflow although every row loss (and so their mean) is
 * finite, when scores are near the largest double. Dividing each term first
 * cannot overflow; a row whose own loss is infinite still makes the mean infinite.
 */
function meanOfHugeLosses(theta: Float64Array, batch: Batch): number {
  const { x, y, n, d } = batch;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += logisticLoss(dot(theta, x, i * d, d), y[i] as number) / n;
  return sum;
}
