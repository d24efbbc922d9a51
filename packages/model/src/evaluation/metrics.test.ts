import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.ts';
import { confusionMatrix, precisionRecallF1 } from './confusion.ts';
import { logLoss } from './log-loss.ts';
import { rocAuc } from './roc-auc.ts';

describe('accuracy', () => {
  it('is the fraction of matching predictions', () => {
    expect(accuracy([1, 0, 1, 1], [1, 1, 1, 0])).toBe(0.5);
    expect(accuracy([0, 0, 1], [0, 0, 1])).toBe(1);
  });

  it('is NaN for no rows and throws for mismatched lengths', () => {
    expect(accuracy([], [])).toBeNaN();
    expect(() => accuracy([1], [1, 0])).toThrow(/1 labels but 2 predictions/);
  });
});

describe('confusionMatrix and precisionRecallF1', () => {
  // labels:      1 1 1 0 0 0 0
  // predictions: 1 1 0 1 0 0 0  → tp 2, fn 1, fp 1, tn 3
  const cm = confusionMatrix([1, 1, 1, 0, 0, 0, 0], [1, 1, 0, 1, 0, 0, 0]);

  it('counts with rock (1) as positive', () => {
    expect(cm).toEqual({ tp: 2, fp: 1, tn: 3, fn: 1 });
  });

  it('computes precision, recall and F1', () => {
    const { precision, recall, f1 } = precisionRecallF1(cm);
    expect(precision).toBeCloseTo(2 / 3, 15);
    expect(recall).toBeCloseTo(2 / 3, 15);
    expect(f1).toBeCloseTo(2 / 3, 15);
    const skewed = precisionRecallF1({ tp: 1, fp: 3, tn: 0, fn: 0 });
    expect(skewed).toEqual({ precision: 0.25, recall: 1, f1: 0.4 });
  });

  it('defines 0/0 as 0', () => {
    // Nothing predicted positive and nothing positive: every ratio is 0/0.
    expect(precisionRecallF1(confusionMatrix([0, 0], [0, 0]))).toEqual({ precision: 0, recall: 0, f1: 0 });
    // Positives exist but none predicted: precision 0/0 → 0, recall 0/2 = 0.
    expect(precisionRecallF1(confusionMatrix([1, 1], [0, 0]))).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('logLoss', () => {
  it('is the mean cross-entropy', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    expect(logLoss([1, 0, 1], [0.5, 0.5, 0.5])).toBe(Math.LN2);
  });

  it('clips probabilities so certain mistakes cost -log(eps), not Infinity', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 12);
    expect(logLoss([0], [1], 1e-6)).toBeCloseTo(-Math.log(1e-6), 9);
    expect(logLoss([1, 0], [1, 0])).toBeLessThan(1e-14);
  });

  it('rejects NaN probabilities and a bad eps', () => {
    expect(() => logLoss([1], [Number.NaN])).toThrow(/NaN/);
    expect(() => logLoss([1], [0.5], 0)).toThrow(/eps/);
  });
});

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
  });

  it('counts each tie between a positive and a negative as one half', () => {
    // Pairs (pos, neg): (0.8,0.3) win, (0.8,0.5) win, (0.5,0.3) win, (0.5,0.5) tie → 3.5 / 4.
    expect(rocAuc([1, 1, 0, 0], [0.8, 0.5, 0.3, 0.5])).toBe(0.875);
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('agrees with counting pairs on a larger example with many ties', () => {
    const labels = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1];
    const scores = [0.3, 0.3, 0.9, 0.1, 0.7, 0.3, 0.7, 0.1, 0.5, 0.5, 0.2, 0.3];
    let wins = 0;
    let pairs = 0;
    labels.forEach((a, i) =>
      labels.forEach((b, j) => {
        if (a === 1 && b === 0) {
          pairs++;
          wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
      }),
    );
    expect(rocAuc(labels, scores)).toBeCloseTo(wins / pairs, 15);
  });

  it('is NaN when a class is missing', () => {
    expect(rocAuc([1, 1], [0.2, 0.4])).toBeNaN();
    expect(rocAuc([], [])).toBeNaN();
  });
});
