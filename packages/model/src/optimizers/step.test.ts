import { describe, expect, it } from 'vitest';
import { loadSonar } from '@sonar/dataset';
import { gradientDescent } from '../descent.ts';
import { gradient } from '../gradient.ts';
import { batchFromRows } from '../labeled-batch.ts';
import { designMatrix, sliceRows } from '../matrix.ts';
import type { OptimizerConfig } from './config.ts';
import { cloneState, initialState } from './state.ts';
import type { TrainingState } from './state.ts';
import { gradientStepInPlace, optimizerStep, optimizerStepInPlace } from './step.ts';

const sonar = batchFromRows(loadSonar());

const bytes = (a: Float64Array | null) => (a === null ? null : Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));
const stateBytes = (s: TrainingState) => ({ step: s.step, theta: bytes(s.theta), velocity: bytes(s.velocity), m: bytes(s.m), v: bytes(s.v) });

function run(config: OptimizerConfig, steps: number, batchSize = sonar.n): TrainingState {
  let state = initialState(config, 61);
  for (let i = 0; i < steps; i++) {
    const start = (i * batchSize) % sonar.n;
    const result = optimizerStep(state, sliceRows(sonar, start, Math.min(sonar.n, start + batchSize)), config);
    if (!result.ok) throw new Error(result.message);
    state = result.state;
  }
  return state;
}

const allOptimizers: OptimizerConfig[] = [
  { optimizer: 'sgd', alpha: 0.1, l2: 0.01 },
  { optimizer: 'momentum', alpha: 0.05, l2: 0.01 },
  { optimizer: 'momentum', alpha: 0.05, nesterov: true, momentum: 0.8 },
  { optimizer: 'adam', alpha: 0.01, l2: 0.1, schedule: 'inverse-sqrt' },
];

describe('sgd', () => {
  it('with the whole data set as its batch reproduces full-batch gradient descent (100 steps)', () => {
    for (const l2 of [0, 0.05]) {
      const state = run({ optimizer: 'sgd', alpha: 0.8, l2 }, 100);
      const { theta } = gradientDescent(sonar, { alpha: 0.8, iterations: 100, l2 });
      const maxDiff = Math.max(...theta.map((t, j) => Math.abs(t - state.theta[j]!)));
      expect(maxDiff).toBeLessThanOrEqual(1e-12);
      expect(state.step).toBe(100);
      expect(Math.max(...theta.map(Math.abs))).toBeGreaterThan(0.1); // it really moved
    }
  });

  it('scales the learning rate by 1/√t under the inverse-sqrt schedule', () => {
    const config: OptimizerConfig = { optimizer: 'sgd', alpha: 0.4, schedule: 'inverse-sqrt' };
    const first = run(config, 3);
    const second = optimizerStep(first, sonar, config);
    if (!second.ok) throw new Error(second.message);
    const g = gradient(first.theta, sonar);
    for (let j = 0; j < 61; j++) expect(second.state.theta[j]).toBe(first.theta[j]! - (0.4 / Math.sqrt(4)) * g[j]!);
  });
});

describe('momentum', () => {
  it('follows v ← μv - αg, θ ← θ + v, with g at θ (classical) or at θ + μv (Nesterov)', () => {
    for (const nesterov of [false, true]) {
      const config: OptimizerConfig = { optimizer: 'momentum', alpha: 0.3, momentum: 0.7, nesterov };
      const before = run(config, 5);
      const result = optimizerStep(before, sonar, config);
      if (!result.ok) throw new Error(result.message);
      const at = nesterov ? before.theta.map((t, j) => t + 0.7 * before.velocity![j]!) : before.theta;
      const g = gradient(at, sonar);
      for (let j = 0; j < 61; j++) {
        const v = 0.7 * before.velocity![j]! - 0.3 * g[j]!;
        expect(result.state.velocity![j]).toBe(v);
        expect(result.state.theta[j]).toBe(before.theta[j]! + v);
      }
    }
  });

  it('Nesterov and classical momentum take different paths', () => {
    const classical = run({ optimizer: 'momentum', alpha: 0.3 }, 10);
    const nesterov = run({ optimizer: 'momentum', alpha: 0.3, nesterov: true }, 10);
    expect(Math.max(...classical.theta.map((t, j) => Math.abs(t - nesterov.theta[j]!)))).toBeGreaterThan(1e-6);
  });
});

describe('adam', () => {
  it('takes a first step of α·sign(g) per coordinate (bias correction undoes the zero start)', () => {
    const config: OptimizerConfig = { optimizer: 'adam', alpha: 0.01, epsilon: 1e-12 };
    const result = optimizerStep(initialState(config, 61), sonar, config);
    if (!result.ok) throw new Error(result.message);
    const g = gradient(new Float64Array(61), sonar);
    for (let j = 0; j < 61; j++) expect(result.state.theta[j]).toBeCloseTo(-0.01 * Math.sign(g[j]!), 9);
    expect(Array.from(result.state.m!)).toEqual(Array.from(g, (x) => (1 - 0.9) * x));
  });
});

describe('optimizerStep', () => {
  it('returns a new state and leaves the input untouched', () => {
    for (const config of allOptimizers) {
      const state = run(config, 3, 32);
      const snapshot = stateBytes(state);
      const result = optimizerStep(state, sonar, config);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(stateBytes(state)).toEqual(snapshot);
      expect(result.state.theta).not.toBe(state.theta);
      expect(result.state.step).toBe(4);
    }
  });

  it('in place computes bit-identical states to the pure step', () => {
    for (const config of allOptimizers) {
      let pure = initialState(config, 61);
      const inPlace = initialState(config, 61);
      for (let i = 0; i < 40; i++) {
        const batch = sliceRows(sonar, (i * 17) % 190, ((i * 17) % 190) + 17);
        const a = optimizerStep(pure, batch, config);
        const b = optimizerStepInPlace(inPlace, batch, config);
        if (!a.ok || !b.ok) throw new Error('step failed');
        expect(b.state).toBe(inPlace);
        pure = a.state;
      }
      expect(stateBytes(inPlace)).toEqual(stateBytes(pure));
    }
  });

  it('throws when the state lacks the moments its optimizer needs, or theta does not fit the batch', () => {
    const sgdState = initialState({ optimizer: 'sgd', alpha: 0.1 }, 61);
    expect(() => optimizerStep(sgdState, sonar, { optimizer: 'adam', alpha: 0.1 })).toThrow(/adam needs m/);
    expect(() => optimizerStep(initialState({ optimizer: 'sgd', alpha: 0.1 }, 5), sonar, { optimizer: 'sgd', alpha: 0.1 })).toThrow(/5 coefficients/);
  });
});

describe('a step that would leave the finite numbers', () => {
  // One feature of 1e300: gradient ≈ 1e299 is finite, but α·g overflows.
  const huge = designMatrix([[1e300], [0.5]], [1, 0]);

  for (const config of allOptimizers) {
    for (const step of [optimizerStep, optimizerStepInPlace]) {
      it(`is refused by ${step.name} for ${config.optimizer}${config.nesterov ? ' (nesterov)' : ''}, leaving the state bit-identical`, () => {
        const state = initialState({ ...config, alpha: 1e308 }, 2);
        state.theta[0] = 0.25; // a non-trivial state to preserve
        const before = stateBytes(state);
        const result = step(state, huge, { ...config, alpha: 1e308 });
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.reason).toBe('non_finite_theta');
        expect(result.message).toMatch(/step 1 refused: .* would set (theta|velocity)\[1\] to (-?Infinity|NaN)/);
        expect(stateBytes(state)).toEqual(before);
      });
    }
  }

  it('is refused with non_finite_gradient when Xᵀ(h - y) itself overflows', () => {
    // Each row contributes 0.5e308; four of them overflow the sum.
    const overflowing = designMatrix([[1e308], [1e308], [1e308], [1e308]], [0, 0, 0, 0]);
    const config: OptimizerConfig = { optimizer: 'sgd', alpha: 1 };
    const state = initialState(config, 2);
    const before = cloneState(state);
    const result = optimizerStepInPlace(state, overflowing, config);
    expect(result).toMatchObject({ ok: false, reason: 'non_finite_gradient' });
    if (!result.ok) expect(result.message).toMatch(/gradient\[1\] is Infinity/);
    expect(stateBytes(state)).toEqual(stateBytes(before));
  });

  it("is refused when Adam's second moment overflows although theta would stay finite", () => {
    const config: OptimizerConfig = { optimizer: 'adam', alpha: 0.001 };
    const state = initialState(config, 2);
    const result = optimizerStep(state, designMatrix([[1e300]], [0]), config);
    expect(result).toMatchObject({ ok: false, reason: 'non_finite_theta' });
    if (!result.ok) expect(result.message).toMatch(/v\[1\] to Infinity/);
  });

  it('is refused on features near the largest double', () => {
    const config: OptimizerConfig = { optimizer: 'sgd', alpha: 1e308 };
    const result = optimizerStep(initialState(config, 61), designMatrix([new Float64Array(60).fill(1e300)], [1]), config);
    expect(result.ok).toBe(false);
  });
});

describe('a step from a gradient computed elsewhere (parallel mode)', () => {
  const parallelOptimizers = allOptimizers.filter((config) => !config.nesterov);

  it('from the unregularised gradient sum, steps as the batch would have (L2 added at the own theta)', () => {
    for (const config of parallelOptimizers) {
      const fromBatch = initialState(config, 61);
      const fromSum = initialState(config, 61);
      const data = new Float64Array(61);
      for (let i = 0; i < 30; i++) {
        const batch = sliceRows(sonar, (i * 13) % 180, ((i * 13) % 180) + 24);
        gradient(fromSum.theta, batch, 0, data);
        for (let j = 0; j < 61; j++) data[j] = data[j]! * batch.n;
        const a = optimizerStepInPlace(fromBatch, batch, config);
        const b = gradientStepInPlace(fromSum, data, batch.n, config);
        if (!a.ok || !b.ok) throw new Error('step failed');
      }
      expect(fromSum.step).toBe(30);
      for (let j = 0; j < 61; j++) expect(fromSum.theta[j]).toBeCloseTo(fromBatch.theta[j]!, 12);
    }
  });

  it('refuses Nesterov momentum, a gradient of the wrong width and n = 0, and a step that is not finite', () => {
    const state = initialState({ optimizer: 'momentum', alpha: 0.1, nesterov: true }, 61);
    expect(() => gradientStepInPlace(state, new Float64Array(61), 32, { optimizer: 'momentum', alpha: 0.1, nesterov: true })).toThrow(/Nesterov/);
    const sgd: OptimizerConfig = { optimizer: 'sgd', alpha: 0.1 };
    expect(() => gradientStepInPlace(initialState(sgd, 61), new Float64Array(60), 32, sgd)).toThrow(/60 numbers/);
    expect(() => gradientStepInPlace(initialState(sgd, 61), new Float64Array(61), 0, sgd)).toThrow(/at least 1/);
    const before = initialState(sgd, 61);
    const huge = new Float64Array(61).fill(1e308);
    const result = gradientStepInPlace(before, huge, 1, { optimizer: 'sgd', alpha: 1e10 });
    expect(result.ok).toBe(false);
    expect(Array.from(before.theta).every((x) => x === 0)).toBe(true);
  });
});
