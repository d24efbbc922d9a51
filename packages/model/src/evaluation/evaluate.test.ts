import { describe, expect, it } from 'vitest';
import { designMatrix } from '../matrix.ts';
import { evaluate } from './evaluate.ts';

describe('evaluate', () => {
  it('combines the metrics for predictions at threshold 0.5', () => {
    // One feature, theta = (0, 1): P(rock) = sigmoid(feature).
    const batch = designMatrix([[2], [1], [-1], [0], [-3]], [1, 0, 1, 1, 0]);
    const result = evaluate(new Float64Array([0, 1]), batch);
    // Predictions: 1 1 0 1 (sigmoid(0) = 0.5 counts as rock) 0.
    expect(result.confusion).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
    expect(result.accuracy).toBeCloseTo(3 / 5, 15);
    expect(result.precision).toBeCloseTo(2 / 3, 15);
    expect(result.recall).toBeCloseTo(2 / 3, 15);
    expect(result.f1).toBeCloseTo(2 / 3, 15);
    // Positives score 2, -1, 0 and negatives 1, -3: 2 beats both, -1 and 0 beat only -3 → 4 of 6 pairs.
    expect(result.auc).toBeCloseTo(4 / 6, 15);
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const expectedLoss = -(Math.log(sig(2)) + Math.log(1 - sig(1)) + Math.log(sig(-1)) + Math.log(sig(0)) + Math.log(1 - sig(-3))) / 5;
    expect(result.logLoss).toBeCloseTo(expectedLoss, 14);
  });
});
