import { describe, expect, it } from 'vitest';
import { logisticLoss, softplus } from './logistic-loss.ts';
import { sigmoid } from './sigmoid.ts';

function naiveLoss(z: number, y: number): number {
  const h = sigmoid(z);
  return -(y * Math.log(h) + (1 - y) * Math.log(1 - h));
}

describe('logisticLoss', () => {
  it('equals -[y log h + (1-y) log(1-h)] for moderate scores', () => {
    for (const z of [-8, -1.5, -0.01, 0.3, 2, 7.5]) {
      for (const y of [0, 1]) expect(logisticLoss(z, y)).toBeCloseTo(naiveLoss(z, y), 13);
    }
  });

  it('is ln 2 at z = 0 for either label', () => {
    expect(logisticLoss(0, 0)).toBe(Math.LN2);
    expect(logisticLoss(0, 1)).toBe(Math.LN2);
  });

  it('stays finite when h rounds to exactly 0 or 1', () => {
    expect(sigmoid(800)).toBe(1);
    expect(naiveLoss(800, 0)).toBe(Infinity);
    expect(logisticLoss(800, 0)).toBe(800);
    expect(logisticLoss(800, 1)).toBe(0);
    expect(logisticLoss(-800, 1)).toBe(800);
    expect(logisticLoss(-800, 0)).toBe(0);
    expect(logisticLoss(1e308, 0)).toBe(1e308);
  });

  it('keeps the tiny loss of a confident correct answer instead of rounding it to 0', () => {
    // log(1 + e^-40) ≈ e^-40 ≈ 4.25e-18; the cancelling form softplus(z) - z would give 0.
    expect(logisticLoss(40, 1)).toBeCloseTo(Math.exp(-40), 30);
    expect(logisticLoss(40, 1)).toBeGreaterThan(0);
  });

  it('handles infinite scores without NaN', () => {
    expect(logisticLoss(Infinity, 1)).toBe(0);
    expect(logisticLoss(-Infinity, 0)).toBe(0);
    expect(logisticLoss(Infinity, 0)).toBe(Infinity);
  });
});

describe('softplus', () => {
  it('is log(1 + e^z) without overflow', () => {
    for (const z of [-20, -1, 0, 1, 20]) expect(softplus(z)).toBeCloseTo(Math.log(1 + Math.exp(z)), 14);
    expect(softplus(0)).toBe(Math.LN2);
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
  });
});
