import { describe, expect, it } from 'vitest';
import { cost } from '../cost.ts';
import { loadSonar } from '@sonar/dataset';
import { batchFromRows } from '../labeled-batch.ts';
import { selectRows } from '../matrix.ts';
import type { Batch } from '../matrix.ts';
import { newtonOptimum as packageNewtonOptimum } from '../optimum/newton.ts';
import type { OptimizerConfig } from './config.ts';
import { seededRng, shuffleInPlace } from '../random.ts';
import { initialState } from './state.ts';
import { optimizerStepInPlace } from './step.ts';

const sonar = batchFromRows(loadSonar());

/**
 * Reference optimum by Newton's method (IRLS), written independently of the
 * library: gradient Xᵀ(h - y)/n + λθ', Hessian XᵀWX/n + λI' with W = h(1 - h)
 * and I' the identity without its bias entry; each step solves H s = g by Cholesky.
 */
function newtonOptimum(batch: Batch, l2: number): Float64Array {
  const { x, y, n, d } = batch;
  const theta = new Float64Array(d);
  for (let iteration = 0; iteration < 100; iteration++) {
    const g = new Float64Array(d);
    const hessian = Array.from({ length: d }, () => new Float64Array(d));
    for (let i = 0; i < n; i++) {
      const row = x.subarray(i * d, (i + 1) * d);
      const z = row.reduce((sum, value, j) => sum + value * theta[j]!, 0);
      const h = 1 / (1 + Math.exp(-z));
      const w = (h * (1 - h)) / n;
      for (let a = 0; a < d; a++) {
        g[a]! += ((h - y[i]!) * row[a]!) / n;
        for (let b = 0; b <= a; b++) hessian[a]![b]! += w * row[a]! * row[b]!;
      }
    }
    for (let a = 1; a < d; a++) {
      g[a]! += l2 * theta[a]!;
      hessian[a]![a]! += l2;
    }
    const s = choleskySolve(hessian, g);
    let largest = 0;
    for (let a = 0; a < d; a++) {
      theta[a]! -= s[a]!;
      largest = Math.max(largest, Math.abs(s[a]!));
    }
    if (largest < 1e-14) return theta;
  }
  throw new Error('Newton did not converge');
}

/** Solves A s = b for symmetric positive definite A, given its lower triangle. */
function choleskySolve(a: Float64Array[], b: Float64Array): Float64Array {
  const d = b.length;
  const l = Array.from({ length: d }, () => new Float64Array(d));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('Hessian is not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
  }
  const forward = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * forward[k]!;
    forward[i] = sum / l[i]![i]!;
  }
  const s = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let sum = forward[i]!;
    for (let k = i + 1; k < d; k++) sum -= l[k]![i]! * s[k]!;
    s[i] = sum / l[i]![i]!;
  }
  return s;
}

// Full-batch steps with a constant rate, so the run is deterministic; step sizes
// are chosen below each method's stability limit on this data.
const optimizers: { name: string; config: Omit<OptimizerConfig, 'l2'>; steps: number }[] = [
  { name: 'sgd', config: { optimizer: 'sgd', alpha: 0.7 }, steps: 8000 },
  { name: 'momentum (classical)', config: { optimizer: 'momentum', alpha: 0.5, momentum: 0.9 }, steps: 3000 },
  { name: 'momentum (Nesterov)', config: { optimizer: 'momentum', alpha: 0.5, momentum: 0.9, nesterov: true }, steps: 3000 },
  { name: 'adam', config: { optimizer: 'adam', alpha: 0.01 }, steps: 4000 },
];

describe.each([0.01, 0.1])('with L2 λ = %s', (l2) => {
  const optimum = newtonOptimum(sonar, l2);
  const optimalCost = cost(optimum, sonar, l2);

  it('the Newton reference is a stationary point better than nearby perturbations', () => {
    expect(optimalCost).toBeLessThan(Math.LN2);
    for (let j = 0; j < optimum.length; j += 10) {
      for (const delta of [-1e-3, 1e-3]) {
        const moved = optimum.slice();
        moved[j]! += delta;
        expect(cost(moved, sonar, l2)).toBeGreaterThan(optimalCost);
      }
    }
  });

  it("the package's Newton solver agrees with this independent one", () => {
    const result = packageNewtonOptimum(sonar, l2);
    if (!result.ok) throw new Error(result.message);
    expect(Math.max(...optimum.map((t, j) => Math.abs(t - result.theta[j]!)))).toBeLessThanOrEqual(1e-12);
    expect(result.objective).toBeCloseTo(optimalCost, 15);
  });

  it.each(optimizers)('$name converges to the regularised optimum', ({ config, steps }) => {
    const full: OptimizerConfig = { ...config, l2, schedule: 'constant' };
    const state = initialState(full, 61);
    for (let i = 0; i < steps; i++) {
      const result = optimizerStepInPlace(state, sonar, full);
      if (!result.ok) throw new Error(result.message);
    }
    const maxDiff = Math.max(...optimum.map((t, j) => Math.abs(t - state.theta[j]!)));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(cost(state.theta, sonar, l2) - optimalCost).toBeLessThanOrEqual(1e-8);
  });
});

describe.each([0.01, 0.1])('Polyak–Ruppert averaging with L2 λ = %s', (l2) => {
  const optimum = newtonOptimum(sonar, l2);
  const optimalCost = cost(optimum, sonar, l2);
  const distance = (theta: Float64Array) => Math.hypot(...theta.map((t, j) => t - optimum[j]!));

  // Mini-batches of 8 with a constant rate: the iterate keeps bouncing around the
  // optimum by the gradient noise, and averaging the second half of the run cancels much of it.
  it.each([1, 2, 3, 4, 5])('brings mini-batch sgd closer to the optimum than its last iterate (seed %i)', (seed) => {
    const epochs = 100;
    const stepsPerEpoch = sonar.n / 8;
    const config: OptimizerConfig = { optimizer: 'sgd', alpha: 0.5, l2, averageFrom: (epochs * stepsPerEpoch) / 2 };
    const state = initialState(config, 61);
    const rng = seededRng(seed);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffleInPlace(Array.from({ length: sonar.n }, (_, i) => i), rng);
      for (let k = 0; k < stepsPerEpoch; k++) {
        const result = optimizerStepInPlace(state, selectRows(sonar, order.slice(k * 8, k * 8 + 8)), config);
        if (!result.ok) throw new Error(result.message);
      }
    }
    const averaged = state.average!;
    expect(averaged.count).toBe((epochs * stepsPerEpoch) / 2 + 1);
    expect(distance(averaged.theta)).toBeLessThan(distance(state.theta));
    expect(cost(averaged.theta, sonar, l2) - optimalCost).toBeLessThan(cost(state.theta, sonar, l2) - optimalCost);
  });
});
