import { describe, expect, it } from 'vitest';
import { MeanAccumulator } from './mean-accumulator.ts';
import { seededRng } from './random.ts';

function meanOf(values: readonly number[]): number {
  const mean = new MeanAccumulator();
  for (const value of values) mean.add(value);
  return mean.mean();
}

describe('MeanAccumulator', () => {
  it('returns exactly c for n copies of c, where sum / n does not', () => {
    let naiveMisses = 0;
    for (let n = 1; n <= 400; n++) {
      const values = Array<number>(n).fill(Math.LN2);
      expect(meanOf(values)).toBe(Math.LN2);
      if (values.reduce((a, b) => a + b, 0) / n !== Math.LN2) naiveMisses++;
    }
    // Shows the property is not free: plain summation misses for many n.
    expect(naiveMisses).toBeGreaterThan(0);
  });

  it('returns exactly c for random constants and lengths', () => {
    const rng = seededRng(7);
    for (let trial = 0; trial < 200; trial++) {
      const c = (rng() - 0.5) * 10 ** Math.floor(rng() * 20 - 10);
      const n = 1 + Math.floor(rng() * 1000);
      expect(meanOf(Array<number>(n).fill(c))).toBe(c);
    }
  });

  it('does not lose small terms next to large ones', () => {
    // Naively (1e16 + 1) rounds to 1e16 and the ones vanish: the mean would be 0.
    expect(meanOf([1e16, 1, -1e16, 1])).toBe(0.5);
  });

  it('is NaN when empty', () => {
    expect(new MeanAccumulator().mean()).toBeNaN();
  });
});
