import type { Batch } from './matrix.ts';
import { cost } from './cost.ts';
import { gradient } from './gradient.ts';
import { assertThetaMatches } from './shape.ts';

export interface DescentOptions {
  alpha: number;
  iterations: number;
  l2?: number;
  /** Starting coefficients (copied, never modified); zeros when omitted. */
  theta?: Float64Array;
  /** Called after each update with its 1-based number and the cost after it. */
  onIteration?: (i: number, cost: number) => void;
}

export interface DescentResult {
  theta: Float64Array;
  /** iterations + 1 entries: costs[0] before any update, costs[i] after update i. */
  costs: Float64Array;
}

/**
 * Full-batch gradient descent, θ ← θ - α ∇J(θ), repeated `iterations` times.
 * Throws if an update would make a coefficient non-finite (α far too large).
 */
export function gradientDescent(batch: Batch, options: DescentOptions): DescentResult {
  const { alpha, iterations, l2 = 0, onIteration } = options;
  if (!(Number.isFinite(alpha) && alpha > 0)) throw new Error(`gradientDescent: alpha must be finite and > 0, got ${alpha}`);
  if (!(Number.isSafeInteger(iterations) && iterations >= 0)) {
    throw new Error(`gradientDescent: iterations must be a non-negative integer, got ${iterations}`);
  }
  const theta = options.theta ? Float64Array.from(options.theta) : new Float64Array(batch.d);
  assertThetaMatches(theta, batch, 'gradientDescent');
  const g = new Float64Array(batch.d);
  const costs = new Float64Array(iterations + 1);
  costs[0] = cost(theta, batch, l2);
  for (let i = 1; i <= iterations; i++) {
    gradient(theta, batch, l2, g);
    // Check the whole update before applying it so the failure names the first culprit.
    for (let j = 0; j < theta.length; j++) {
      const next = (theta[j] as number) - alpha * (g[j] as number);
      if (!Number.isFinite(next)) {
        throw new Error(`gradientDescent: update ${i} would make theta[${j}] ${next} (gradient[${j}] = ${g[j]}, alpha = ${alpha})`);
      }
    }
    for (let j = 0; j < theta.length; j++) theta[j] = (theta[j] as number) - alpha * (g[j] as number);
    const c = cost(theta, batch, l2);
    costs[i] = c;
    onIteration?.(i, c);
  }
  return { theta, costs };
}
