import { describe, expect, it } from 'vitest';
import { initialState, withMomentsFor } from './state.ts';

describe('withMomentsFor', () => {
  it('adds zeroed moments the new optimizer needs and keeps theta, step and existing moments', () => {
    const sgd = initialState({ optimizer: 'sgd', alpha: 0.1 });
    sgd.theta[3] = 0.25;
    sgd.step = 40;
    const adam = withMomentsFor(sgd, { optimizer: 'adam', alpha: 0.01 });
    expect(adam.theta).toBe(sgd.theta);
    expect(adam.step).toBe(40);
    expect(Array.from(adam.m!)).toEqual(Array(61).fill(0));
    expect(Array.from(adam.v!)).toEqual(Array(61).fill(0));
    const momentum = withMomentsFor(adam, { optimizer: 'momentum', alpha: 0.1 });
    expect(momentum.m).toBe(adam.m);
    expect(Array.from(momentum.velocity!)).toEqual(Array(61).fill(0));
  });
});
