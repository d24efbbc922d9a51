import type { Batch } from './matrix.ts';
import { dot, sigmoid } from './sigmoid.ts';
import { logisticLoss } from './logistic-loss.ts';
import { MeanAccumulator } from './mean-accumulator.ts';
import { cost } from './cost.ts';
import { assertNotEmpty, assertThetaMatches } from './shape.ts';

/**
 * What a test-then-train step needs of a mini-batch at θ, in one pass over its rows
 * instead of three (cost, probabilities, gradient): the batch's cost J(θ) (without
 * the penalty), each row's P(y = 1) into `probabilities`, and ∇J_λ(θ) into `gradient`.
 * Each is computed with the very operations of cost(), probabilities() and
 * gradient(), in the same order, so the results are theirs bit for bit.
 */
export function batchPass(theta: Float64Array, batch: Batch, l2: number, probabilities: Float64Array, gradient: Float64Array): number {
  assertNotEmpty(batch, 'batchPass');
  assertThetaMatches(theta, batch, 'batchPass');
  const { x, y, n, d } = batch;
  if (gradient.length !== d) throw new Error(`batchPass: gradient has length ${gradient.length}, expected ${d}`);
  if (probabilities.length < n) throw new Error(`batchPass: probabilities has length ${probabilities.length}, expected ≥ ${n}`);
  const mean = new MeanAccumulator();
  gradient.fill(0);
  for (let i = 0; i < n; i++) {
    const offset = i * d;
    const z = dot(theta, x, offset, d);
    const label = y[i] as number;
    mean.add(logisticLoss(z, label));
    const p = sigmoid(z);
    probabilities[i] = p;
    const residual = p - label;
    for (let j = 0; j < d; j++) gradient[j] = (gradient[j] as number) + residual * (x[offset + j] as number);
  }
  for (let j = 0; j < d; j++) gradient[j] = (gradient[j] as number) / n;
  if (l2 !== 0) {
    for (let j = 1; j < d; j++) gradient[j] = (gradient[j] as number) + l2 * (theta[j] as number);
  }
  const batchCost = mean.mean();
  // The running sum can overflow where the mean does not: cost() knows how to take that mean.
  return Number.isFinite(batchCost) ? batchCost : cost(theta, batch);
}
