import { describe, expect, it } from 'vitest';
import { continueTraining, initialState } from './state.ts';

const zeros = Array(61).fill(0);

describe('continueTraining', () => {
  it('keeps step count and moments when the optimizer stays the same', () => {
    const adam = initialState({ optimizer: 'adam', alpha: 0.01 }, 61);
    adam.step = 40;
    adam.m![2] = 0.5;
    const next = continueTraining(adam, { optimizer: 'adam', alpha: 0.02 }, 'adam');
    expect(next.step).toBe(40);
    expect(next.theta).toBe(adam.theta);
    expect(next.m).toBe(adam.m);
    expect(next.v).toBe(adam.v);
    expect(next.average).toBeUndefined();
  });

  it('starts a new optimizer afresh from the old theta: step 0, its own zeroed moments, none of the old', () => {
    const sgd = initialState({ optimizer: 'sgd', alpha: 0.1 }, 61);
    sgd.theta[3] = 0.25;
    sgd.step = 40;
    const adam = continueTraining(sgd, { optimizer: 'adam', alpha: 0.01 }, 'sgd');
    expect(adam.theta).toBe(sgd.theta);
    expect(adam.step).toBe(0);
    expect(Array.from(adam.m!)).toEqual(zeros);
    expect(Array.from(adam.v!)).toEqual(zeros);
    expect(adam.velocity).toBeNull();
  });

  it('adam → sgd → adam does not resume the stale moments of the first run', () => {
    const adam = initialState({ optimizer: 'adam', alpha: 0.01 }, 61);
    adam.m!.fill(0.3);
    adam.v!.fill(0.2);
    adam.step = 500;
    const sgd = continueTraining(adam, { optimizer: 'sgd', alpha: 0.1 }, 'adam');
    expect(sgd.m).toBeNull();
    expect(sgd.v).toBeNull();
    sgd.step = 20;
    const again = continueTraining(sgd, { optimizer: 'adam', alpha: 0.01 }, 'sgd');
    expect(again.step).toBe(0);
    expect(Array.from(again.m!)).toEqual(zeros);
    expect(Array.from(again.v!)).toEqual(zeros);
  });

  it('restarts a state that lacks the moments its optimizer needs (an unreadable or foreign state)', () => {
    const sgd = initialState({ optimizer: 'sgd', alpha: 0.1 }, 61);
    sgd.step = 7;
    const momentum = continueTraining(sgd, { optimizer: 'momentum', alpha: 0.1 }, 'momentum');
    expect(momentum.step).toBe(0);
    expect(Array.from(momentum.velocity!)).toEqual(zeros);
  });
});
