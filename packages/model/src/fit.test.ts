import { describe, expect, it } from 'vitest';
import { loadSonar } from '@sonar/dataset';
import { fit } from './fit.ts';
import { cost, l2Penalty, regularisedObjective } from './cost.ts';
import { gradientDescent } from './descent.ts';
import { batchFromRows } from './labeled-batch.ts';

const rows = loadSonar();

describe('fit (sonar fit)', () => {
  it('is the derivation on the training rows of a stratified 80/20 split', () => {
    const result = fit(rows, { alpha: 0.1, iterations: 200, l2: 0, optimizer: 'sgd', testSize: 0.2, seed: 42 });
    expect(result.trainRows).toHaveLength(166);
    expect(result.testRows).toHaveLength(42);
    const reference = gradientDescent(batchFromRows(rows, result.trainRows), { alpha: 0.1, iterations: 200 });
    expect(Array.from(result.theta)).toEqual(Array.from(reference.theta));
    expect(result.costs[0]).toBe(Math.LN2);
    expect(result.cost).toBeLessThan(Math.LN2);
    expect(result.test!.accuracy).toBeGreaterThan(0.5);
  });

  it('reports the training cost J and the regularised objective J_λ apart', () => {
    const l2 = 0.05;
    const result = fit(rows, { alpha: 0.1, iterations: 50, l2, optimizer: 'sgd', testSize: 0.2, seed: 42 });
    const train = batchFromRows(rows, result.trainRows);
    expect(result.cost).toBe(cost(result.theta, train));
    expect(result.objective).toBe(regularisedObjective(result.theta, train, l2));
    expect(result.objective).toBe(result.costs[50]);
    expect(result.objective - result.cost).toBeCloseTo(l2Penalty(result.theta, l2), 15);
    expect(result.objective).toBeGreaterThan(result.cost);
    const plain = fit(rows, { alpha: 0.1, iterations: 50, l2: 0, optimizer: 'adam', testSize: 0.2, seed: 42 });
    expect(plain.objective).toBe(plain.cost);
  });

  it('takes the training rows it is given', () => {
    const trainRows = [0, 1, 2, 100, 101, 102];
    const result = fit(rows, { alpha: 0.1, iterations: 5, l2: 0, optimizer: 'adam', testSize: 0.2, seed: 1, trainRows });
    expect(result.trainRows).toEqual(trainRows);
    expect(result.testRows).toHaveLength(202);
  });
});
