import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from './config.ts';
import { validateOptimizerConfig } from './config.ts';
import { learningRate } from './schedule.ts';
import { initialState } from './state.ts';

describe('validateOptimizerConfig', () => {
  it('accepts sensible configs, including parameters another optimizer would use', () => {
    expect(validateOptimizerConfig({ optimizer: 'sgd', alpha: 0.1 })).toEqual([]);
    expect(validateOptimizerConfig({ optimizer: 'adam', alpha: 1e-3, beta1: 0, beta2: 0.99, epsilon: 1e-7, l2: 0, momentum: 0.9 })).toEqual([]);
    expect(validateOptimizerConfig({ optimizer: 'momentum', alpha: 0.5, momentum: 0, nesterov: true, schedule: 'inverse-sqrt' })).toEqual([]);
  });

  it('lists every problem', () => {
    const problems = validateOptimizerConfig({
      optimizer: 'rmsprop',
      alpha: 0,
      schedule: 'cosine',
      l2: -1,
      momentum: 1,
      beta2: Number.NaN,
      epsilon: 0,
    } as unknown as OptimizerConfig);
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/optimizer must be one of sgd, momentum, adam, got rmsprop/);
    expect(problems.join('\n')).toMatch(/momentum must be a number in \[0, 1\), got 1/);
  });

  it('rejects Nesterov for an optimizer other than momentum', () => {
    expect(validateOptimizerConfig({ optimizer: 'adam', alpha: 0.1, nesterov: true })).toEqual(['nesterov applies only to the momentum optimizer']);
  });
});

describe('initialState', () => {
  it('allocates zeroed moments only for the optimizer that needs them', () => {
    const sgd = initialState({ optimizer: 'sgd', alpha: 0.1 }, 61);
    expect([sgd.theta.length, sgd.step, sgd.velocity, sgd.m, sgd.v]).toEqual([61, 0, null, null, null]);
    const momentum = initialState({ optimizer: 'momentum', alpha: 0.1 }, 4);
    expect(Array.from(momentum.velocity!)).toEqual([0, 0, 0, 0]);
    const adam = initialState({ optimizer: 'adam', alpha: 0.1 }, 61);
    expect([adam.m?.length, adam.v?.length, adam.velocity]).toEqual([61, 61, null]);
  });

  it('throws on an invalid config', () => {
    expect(() => initialState({ optimizer: 'sgd', alpha: -1 }, 61)).toThrow(/invalid optimizer config: alpha/);
  });
});

describe('learningRate', () => {
  it('is α for the constant schedule and α/√t for inverse-sqrt', () => {
    expect(learningRate({ optimizer: 'sgd', alpha: 0.3 }, 9)).toBe(0.3);
    expect(learningRate({ optimizer: 'sgd', alpha: 0.3, schedule: 'inverse-sqrt' }, 1)).toBe(0.3);
    expect(learningRate({ optimizer: 'sgd', alpha: 0.3, schedule: 'inverse-sqrt' }, 9)).toBeCloseTo(0.1, 15);
  });
});
