import { describe, expect, it } from 'vitest';
import { loadSonar } from '@sonar/dataset';
import { batchFromRows } from '../labeled-batch.ts';
import { designMatrix, sliceRows } from '../matrix.ts';
import { validateOptimizerConfig } from './config.ts';
import type { OptimizerConfig } from './config.ts';
import { cloneState, continueTraining, initialState, predictionTheta } from './state.ts';
import type { TrainingState } from './state.ts';
import { optimizerStep, optimizerStepInPlace } from './step.ts';

const sonar = batchFromRows(loadSonar());
const bytes = (a: Float64Array | null | undefined) => (a ? Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) : a);
const stateBytes = (s: TrainingState) => ({
  step: s.step,
  theta: bytes(s.theta),
  velocity: bytes(s.velocity),
  m: bytes(s.m),
  v: bytes(s.v),
  average: s.average && { count: s.average.count, theta: bytes(s.average.theta) },
});
const batch = (i: number) => sliceRows(sonar, (i * 16) % 192, ((i * 16) % 192) + 16);

const configs: OptimizerConfig[] = [
  { optimizer: 'sgd', alpha: 0.3, l2: 0.01, averageFrom: 4 },
  { optimizer: 'momentum', alpha: 0.1, nesterov: true, averageFrom: 4 },
  { optimizer: 'adam', alpha: 0.01, averageFrom: 4 },
];

describe('Polyak–Ruppert averaging', () => {
  it.each(configs)('keeps the mean of the iterates θ_t for t ≥ averageFrom ($optimizer)', (config) => {
    const state = initialState(config, 61);
    const iterates: Float64Array[] = [];
    for (let i = 0; i < 10; i++) {
      const result = optimizerStepInPlace(state, batch(i), config);
      if (!result.ok) throw new Error(result.message);
      iterates.push(state.theta.slice());
      // Before averageFrom nothing is averaged; step 4's iterate is the first, copied exactly.
      if (state.step < 4) expect(state.average).toEqual({ theta: new Float64Array(61), count: 0 });
      if (state.step === 4) expect(bytes(state.average!.theta)).toEqual(bytes(state.theta));
    }
    expect(state.average!.count).toBe(7);
    const averaged = iterates.slice(3);
    for (let j = 0; j < 61; j++) {
      const mean = averaged.reduce((sum, theta) => sum + theta[j]!, 0) / averaged.length;
      expect(state.average!.theta[j]).toBeCloseTo(mean, 14);
    }
    expect(predictionTheta(state)).toBe(state.average!.theta);
  });

  it.each(configs)('is the same with optimizerStep and optimizerStepInPlace, which reuses its arrays ($optimizer)', (config) => {
    let copied = initialState(config, 61);
    const inPlace = initialState(config, 61);
    const averageArray = inPlace.average!.theta;
    for (let i = 0; i < 12; i++) {
      const before = stateBytes(copied);
      const result = optimizerStep(copied, batch(i), config);
      if (!result.ok) throw new Error(result.message);
      expect(stateBytes(copied)).toEqual(before);
      copied = result.state;
      optimizerStepInPlace(inPlace, batch(i), config);
    }
    expect(stateBytes(inPlace)).toEqual(stateBytes(copied));
    expect(inPlace.average!.theta).toBe(averageArray);
  });

  it('carries an average over unchanged while the config does not average', () => {
    const averaging: OptimizerConfig = { optimizer: 'sgd', alpha: 0.3, averageFrom: 1 };
    const state = initialState(averaging, 61);
    for (let i = 0; i < 3; i++) optimizerStepInPlace(state, batch(i), averaging);
    const frozen = stateBytes(state).average;
    const plain: OptimizerConfig = { optimizer: 'sgd', alpha: 0.3 };
    optimizerStepInPlace(state, batch(3), plain);
    const result = optimizerStep(state, batch(4), plain);
    expect(result.ok && stateBytes(result.state).average).toEqual(frozen);
  });

  it('is absent from states that never averaged, and predictionTheta is θ until something is averaged', () => {
    const state = initialState({ optimizer: 'sgd', alpha: 0.1 }, 61);
    expect('average' in state).toBe(false);
    expect(predictionTheta(state)).toBe(state.theta);
    // An average of no iterates yet is not a model.
    const fresh = initialState(configs[0]!, 61);
    expect(predictionTheta(fresh)).toBe(fresh.theta);
  });

  it('starts from a checkpoint without an average at the next step, through continueTraining', () => {
    const plain: OptimizerConfig = { optimizer: 'sgd', alpha: 0.3 };
    const old = initialState(plain, 61);
    for (let i = 0; i < 5; i++) optimizerStepInPlace(old, batch(i), plain);
    const config: OptimizerConfig = { ...plain, averageFrom: 2 };
    expect(() => optimizerStep(old, batch(5), config)).toThrow(/averaging needs an average of length 61; create the state with initialState\(config, d\) or continueTraining/);
    const resumed = continueTraining(old, config, 'sgd');
    expect(resumed.average).toEqual({ theta: new Float64Array(61), count: 0 });
    optimizerStepInPlace(resumed, batch(5), config);
    expect(resumed.average!.count).toBe(1);
    expect(bytes(resumed.average!.theta)).toEqual(bytes(resumed.theta));
    // An average already there is kept.
    expect(continueTraining(resumed, config, 'sgd').average).toBe(resumed.average);
  });

  it('is deep-copied by cloneState', () => {
    const state = initialState(configs[0]!, 61);
    optimizerStepInPlace(state, batch(0), { ...configs[0]!, averageFrom: 1 });
    const clone = cloneState(state);
    expect(stateBytes(clone)).toEqual(stateBytes(state));
    expect(clone.average!.theta).not.toBe(state.average!.theta);
  });

  it('refuses a step whose average would overflow, leaving the state bit-identical', () => {
    // θ - avg overflows although θ stays finite.
    const config: OptimizerConfig = { optimizer: 'sgd', alpha: 1e-300, averageFrom: 1 };
    const state: TrainingState = {
      theta: Float64Array.from([1.7e308, 0]),
      step: 1,
      velocity: null,
      m: null,
      v: null,
      average: { theta: Float64Array.from([-1.7e308, 0]), count: 1 },
    };
    const before = stateBytes(state);
    for (const step of [optimizerStep, optimizerStepInPlace]) {
      const result = step(state, designMatrix([[0]], [1]), config);
      expect(result).toMatchObject({ ok: false, reason: 'non_finite_theta' });
      if (!result.ok) expect(result.message).toMatch(/would set average\[0\] to Infinity \(was -1\.7e\+308/);
      expect(stateBytes(state)).toEqual(before);
    }
  });

  it('validates averageFrom', () => {
    expect(validateOptimizerConfig({ optimizer: 'sgd', alpha: 0.1, averageFrom: 1 })).toEqual([]);
    for (const bad of [0, 1.5, Number.NaN, -3]) {
      expect(validateOptimizerConfig({ optimizer: 'sgd', alpha: 0.1, averageFrom: bad })).toEqual([`averageFrom must be an integer >= 1, got ${bad}`]);
    }
  });
});
