import { describe, expect, it } from 'vitest';
import { dot, sigmoid } from './sigmoid.ts';

describe('sigmoid', () => {
  it('is 1/2 at 0 and symmetric: sigmoid(-z) = 1 - sigmoid(z)', () => {
    expect(sigmoid(0)).toBe(0.5);
    for (const z of [0.1, 1, 3.7, 20]) expect(sigmoid(-z)).toBeCloseTo(1 - sigmoid(z), 15);
  });

  it('matches the textbook formula where that formula is safe', () => {
    for (const z of [-30, -5, -0.5, 0.25, 4, 30]) {
      expect(sigmoid(z)).toBeCloseTo(1 / (1 + Math.exp(-z)), 15);
    }
  });

  it('stays finite and saturates at the extremes', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1e308)).toBe(1);
    expect(sigmoid(-1e308)).toBe(0);
    expect(sigmoid(-Number.MAX_VALUE)).toBe(0);
    // The naive form gives e^1000 = Infinity and then Infinity / Infinity = NaN.
    expect(Math.exp(1000) / (1 + Math.exp(1000))).toBeNaN();
  });

  it('keeps relative precision for very negative z, where h is tiny but not zero', () => {
    expect(sigmoid(-700)).toBeGreaterThan(0);
    expect(Math.log(sigmoid(-700))).toBeCloseTo(-700, 10);
  });
});

describe('dot', () => {
  it('multiplies theta by the row starting at offset', () => {
    const theta = new Float64Array([1, 2, 3]);
    const x = new Float64Array([9, 9, 9, 1, 10, 100]);
    expect(dot(theta, x, 3, 3)).toBe(1 + 20 + 300);
    expect(dot(theta, x, 0, 3)).toBe(9 + 18 + 27);
  });
});
