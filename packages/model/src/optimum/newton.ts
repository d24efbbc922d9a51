import { cost } from '../cost.ts';
import { gradient } from '../gradient.ts';
import type { Batch } from '../matrix.ts';
import { assertNotEmpty, assertThetaMatches } from '../shape.ts';
import { choleskyInPlace, choleskySolve } from './cholesky.ts';
import { logisticHessian } from './hessian.ts';

export interface NewtonOptions {
  /** Converged when the Euclidean norm of ∇J_λ is at most this. Default 1e-12. */
  tolerance?: number;
  /** Newton steps allowed before giving up. Default 50. */
  maxIterations?: number;
  /** Starting coefficients (copied, never modified); zeros when omitted. */
  theta?: Float64Array;
}

export type NewtonResult =
  | { ok: true; theta: Float64Array; objective: number; gradientNorm: number; iterations: number }
  | { ok: false; reason: 'not_converged' | 'singular_hessian' | 'non_finite'; message: string };

// Below this Newton decrement gᵀH⁻¹g the objective cannot resolve a line search's
// decrease in double precision, and the full step is the right one anyway.
const FULL_STEP_DECREMENT = 1e-10;
const ARMIJO = 1e-4;
const MAX_HALVINGS = 50;

/**
 * The exact minimiser of J_λ(θ) = J(θ) + (λ/2)·Σ_{j≥1} θ_j², the reference offline
 * optimum: Newton's method (IRLS), each step solving H s = ∇J_λ by Cholesky, with
 * backtracking on J_λ while far from the optimum. λ must be > 0: J_λ is then
 * strictly convex and its minimiser exists and is unique. Without the penalty it
 * need not exist: Sonar's training rows are separable, and θ would grow without
 * bound while the gradient vanishes, passing any tolerance at a meaningless point.
 * Reference: J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., Springer 2006, §3.1 and §3.3.
 */
export function newtonOptimum(batch: Batch, l2: number, options: NewtonOptions = {}): NewtonResult {
  const { tolerance = 1e-12, maxIterations = 50 } = options;
  if (!(Number.isFinite(l2) && l2 > 0)) throw new Error(`newtonOptimum: l2 must be a finite number > 0 for the optimum to exist, got ${l2}`);
  if (!(tolerance > 0)) throw new Error(`newtonOptimum: tolerance must be > 0, got ${tolerance}`);
  if (!(Number.isSafeInteger(maxIterations) && maxIterations >= 0)) {
    throw new Error(`newtonOptimum: maxIterations must be a non-negative integer, got ${maxIterations}`);
  }
  const { d } = batch;
  const theta = options.theta ? Float64Array.from(options.theta) : new Float64Array(d);
  assertThetaMatches(theta, batch, 'newtonOptimum');
  assertNotEmpty(batch, 'newtonOptimum');
  const g = new Float64Array(d);
  const hessian = new Float64Array(d * d);
  const s = new Float64Array(d);
  const trial = new Float64Array(d);
  for (let iteration = 0; ; iteration++) {
    gradient(theta, batch, l2, g);
    const gradientNorm = Math.hypot(...g);
    if (!Number.isFinite(gradientNorm)) return failure('non_finite', `the gradient at iteration ${iteration} is not finite`);
    if (gradientNorm <= tolerance) return { ok: true, theta, objective: cost(theta, batch, l2), gradientNorm, iterations: iteration };
    if (iteration === maxIterations) {
      return failure('not_converged', `gradient norm ${gradientNorm} after ${iteration} iterations, tolerance ${tolerance}`);
    }
    if (!choleskyInPlace(logisticHessian(theta, batch, l2, hessian), d)) {
      return failure('singular_hessian', `the Hessian at iteration ${iteration} is not positive definite`);
    }
    choleskySolve(hessian, d, g, s);
    let decrement = 0;
    for (let j = 0; j < d; j++) decrement += (g[j] as number) * (s[j] as number);
    if (!lineSearch(theta, s, decrement, batch, l2, trial)) {
      return failure('not_converged', `no decrease along the Newton direction at iteration ${iteration} (gradient norm ${gradientNorm})`);
    }
  }
}

/** Moves θ to θ - t·s for the first t = 1, 1/2, 1/4, … that decreases J_λ enough (Armijo); false when none does. */
function lineSearch(theta: Float64Array, s: Float64Array, decrement: number, batch: Batch, l2: number, trial: Float64Array): boolean {
  const full = decrement < FULL_STEP_DECREMENT;
  const start = full ? 0 : cost(theta, batch, l2);
  for (let halving = 0, t = 1; halving <= MAX_HALVINGS; halving++, t /= 2) {
    for (let j = 0; j < theta.length; j++) trial[j] = (theta[j] as number) - t * (s[j] as number);
    if (full || cost(trial, batch, l2) <= start - ARMIJO * t * decrement) {
      theta.set(trial);
      return true;
    }
  }
  return false;
}

function failure(reason: 'not_converged' | 'singular_hessian' | 'non_finite', message: string): NewtonResult {
  return { ok: false, reason, message: `newtonOptimum: ${message}` };
}
