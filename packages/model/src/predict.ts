import type { Batch } from './matrix.ts';
import { dot, sigmoid } from './sigmoid.ts';
import { assertThetaMatches } from './shape.ts';

/** P(rock | features) for one reading; `features` excludes the bias column. */
export function predictProbability(theta: Float64Array, features: ArrayLike<number>): number {
  if (features.length !== theta.length - 1) {
    throw new Error(`predictProbability: ${features.length} features, expected ${theta.length - 1}`);
  }
  let z = theta[0] as number;
  for (let j = 0; j < features.length; j++) z += (theta[j + 1] as number) * (features[j] as number);
  return sigmoid(z);
}

/** 1 (rock) when probability ≥ 0.5, else 0 (mine); exactly 0.5 counts as rock. */
export function predictLabel(probability: number): 0 | 1 {
  return probability >= 0.5 ? 1 : 0;
}

/** sigmoid(Xθ) for every row of the batch, written into `out` when given. */
export function probabilities(theta: Float64Array, batch: Batch, out?: Float64Array): Float64Array {
  assertThetaMatches(theta, batch, 'probabilities');
  const { x, n, d } = batch;
  const result = out ?? new Float64Array(n);
  if (result.length < n) throw new Error(`probabilities: output has length ${result.length}, expected ≥ ${n}`);
  for (let i = 0; i < n; i++) result[i] = sigmoid(dot(theta, x, i * d, d));
  return result;
}
