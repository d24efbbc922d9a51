import type { Batch } from './matrix.ts';
import { dot, sigmoid } from './sigmoid.ts';
import { assertNotEmpty, assertThetaMatches } from './shape.ts';

/**
 * ∇J(θ) = Xᵀ(h - y) / n, plus λθ_j for j ≥ 1 (the bias is not penalised).
 * Writes into `out` when given (reused in hot loops) and returns it.
 */
export function gradient(theta: Float64Array, batch: Batch, l2 = 0, out?: Float64Array): Float64Array {
  // Emptiness first: a batch without rows has no width to compare.
  assertNotEmpty(batch, 'gradient');
  assertThetaMatches(theta, batch, 'gradient');
  const { x, y, n, d } = batch;
  const g = out ?? new Float64Array(d);
  if (g.length !== d) throw new Error(`gradient: output has length ${g.length}, expected ${d}`);
  g.fill(0);
  for (let i = 0; i < n; i++) {
    const offset = i * d;
    const residual = sigmoid(dot(theta, x, offset, d)) - (y[i] as number);
    for (let j = 0; j < d; j++) g[j] = (g[j] as number) + residual * (x[offset + j] as number);
  }
  for (let j = 0; j < d; j++) g[j] = (g[j] as number) / n;
  if (l2 !== 0) {
    for (let j = 1; j < d; j++) g[j] = (g[j] as number) + l2 * (theta[j] as number);
  }
  return g;
}
