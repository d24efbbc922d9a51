import { describe, expect, it } from 'vitest';
import { cost, regularisedObjective } from '../cost.ts';
import { loadSonar } from '@sonar/dataset';
import { gradientDescent } from '../descent.ts';
import { gradient } from '../gradient.ts';
import { batchFromRows } from '../labeled-batch.ts';
import { designMatrix } from '../matrix.ts';
import { seededRng } from '../random.ts';
import { stratifiedSplit } from '../split.ts';
import { choleskyInPlace, choleskySolve } from './cholesky.ts';
import { newtonOptimum } from './newton.ts';

const rows = loadSonar();
// `sonar fit`'s default split: 166 training rows.
const train = batchFromRows(rows, stratifiedSplit(rows.map((r) => r.label), 0.2, seededRng(42)).train);
// scikit-learn's C = 1 in this objective's scale: λ = 1/(C·n).
const l2 = 1 / train.n;

const maxAbsDiff = (a: Float64Array, b: Float64Array) => Math.max(...a.map((x, j) => Math.abs(x - b[j]!)));

describe('choleskySolve', () => {
  it('solves a symmetric positive definite system', () => {
    // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = (1, -2, 3), b = A x = (0, -5, 7).
    const a = Float64Array.from([4, 0, 0, 2, 5, 0, 0, 1, 3]); // lower triangle only
    expect(choleskyInPlace(a, 3)).toBe(true);
    const x = choleskySolve(a, 3, Float64Array.from([0, -5, 7]), new Float64Array(3));
    expect(Array.from(x).map((v) => Number(v.toFixed(12)))).toEqual([1, -2, 3]);
  });

  it('reports a matrix that is not positive definite', () => {
    expect(choleskyInPlace(Float64Array.from([1, 0, 2, 1]), 2)).toBe(false); // [[1, 2], [2, 1]]
    expect(choleskyInPlace(Float64Array.from([Number.NaN]), 1)).toBe(false);
  });
});

describe('newtonOptimum', () => {
  const result = newtonOptimum(train, l2);
  if (!result.ok) throw new Error(result.message);
  const optimum = result.theta;

  it('finds the L2-regularised optimum on the 166 training rows to a gradient norm ≤ 1e-10', () => {
    expect(result.iterations).toBeLessThanOrEqual(10);
    expect(result.gradientNorm).toBeLessThanOrEqual(1e-10);
    // Recomputed independently of the solver's loop.
    expect(Math.hypot(...gradient(optimum, train, l2))).toBeLessThanOrEqual(1e-10);
    expect(result.objective).toBe(regularisedObjective(optimum, train, l2));
    expect(result.objective).toBeLessThan(Math.LN2);
  });

  it('is lower than every nearby point', () => {
    for (let j = 0; j < optimum.length; j += 6) {
      for (const delta of [-1e-4, 1e-4]) {
        const moved = optimum.slice();
        moved[j]! += delta;
        expect(regularisedObjective(moved, train, l2)).toBeGreaterThan(result.objective);
      }
    }
  });

  it('is what full-batch gradient descent approaches', () => {
    let theta: Float64Array = new Float64Array(train.d);
    let distance = maxAbsDiff(theta, optimum);
    for (let segment = 0; segment < 8; segment++) {
      theta = gradientDescent(train, { alpha: 0.7, iterations: 1000, l2, theta }).theta;
      const next = maxAbsDiff(theta, optimum);
      expect(next).toBeLessThan(distance);
      distance = next;
      // No iterate of a descent method gets below the minimum.
      expect(regularisedObjective(theta, train, l2)).toBeGreaterThanOrEqual(result.objective - 1e-15);
    }
    expect(distance).toBeLessThanOrEqual(1e-6);
    expect(regularisedObjective(theta, train, l2) - result.objective).toBeLessThanOrEqual(1e-12);
  });

  it('does not modify a given starting point and reaches the same optimum from it', () => {
    const start = Float64Array.from({ length: train.d }, (_, j) => (j % 2 === 0 ? 3 : -3));
    const copy = start.slice();
    const fromStart = newtonOptimum(train, l2, { theta: start });
    expect(start).toEqual(copy);
    expect(fromStart.ok).toBe(true);
    if (fromStart.ok) expect(maxAbsDiff(fromStart.theta, optimum)).toBeLessThanOrEqual(1e-10);
  });

  it('says when it runs out of iterations', () => {
    const short = newtonOptimum(train, l2, { maxIterations: 1 });
    expect(short).toMatchObject({ ok: false, reason: 'not_converged' });
    if (!short.ok) expect(short.message).toMatch(/after 1 iterations/);
  });

  it('reports a non-finite gradient instead of returning NaN', () => {
    const huge = designMatrix([[1e308], [1e308], [1e308], [1e308]], [0, 0, 0, 0]);
    expect(newtonOptimum(huge, 0.1)).toMatchObject({ ok: false, reason: 'non_finite' });
  });

  it('refuses λ = 0, whose optimum need not exist, and other invalid arguments', () => {
    expect(() => newtonOptimum(train, 0)).toThrow(/l2 must be a finite number > 0/);
    expect(() => newtonOptimum(train, Number.NaN)).toThrow(/l2 must be/);
    expect(() => newtonOptimum(train, l2, { tolerance: 0 })).toThrow(/tolerance must be > 0/);
    expect(() => newtonOptimum(train, l2, { maxIterations: -1 })).toThrow(/maxIterations/);
    expect(() => newtonOptimum(train, l2, { theta: new Float64Array(3) })).toThrow(/theta has 3 coefficients/);
    expect(() => newtonOptimum(batchFromRows([]), l2)).toThrow(/no rows/);
  });
});

describe('regularisedObjective', () => {
  it('is J plus (λ/2)·Σ_{j≥1} θ_j² and refuses a negative or non-finite λ', () => {
    const theta = Float64Array.from({ length: 61 }, (_, j) => (j === 0 ? 5 : 0.1));
    expect(regularisedObjective(theta, train, 0)).toBe(cost(theta, train));
    expect(regularisedObjective(theta, train, 0.2) - cost(theta, train)).toBeCloseTo((0.2 / 2) * 60 * 0.01, 14);
    expect(() => regularisedObjective(theta, train, -1)).toThrow(/l2 must be a finite number >= 0/);
    expect(() => regularisedObjective(theta, train, Number.POSITIVE_INFINITY)).toThrow(/l2/);
  });
});
