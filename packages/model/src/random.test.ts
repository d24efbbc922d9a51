import { describe, expect, it } from 'vitest';
import { randomIndex, seededRng, shuffleInPlace } from './random.ts';

describe('seededRng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = seededRng(2024);
    const b = seededRng(2024);
    const c = seededRng(2025);
    const first = Array.from({ length: 20 }, a);
    expect(Array.from({ length: 20 }, b)).toEqual(first);
    expect(Array.from({ length: 20 }, c)).not.toEqual(first);
  });

  it('produces numbers in [0, 1) that look uniform', () => {
    const rng = seededRng(1);
    const buckets = new Array<number>(10).fill(0);
    const draws = 100_000;
    let outOfRange = 0;
    for (let i = 0; i < draws; i++) {
      const u = rng();
      if (!(u >= 0 && u < 1)) outOfRange++;
      else buckets[Math.floor(u * 10)]!++;
    }
    expect(outOfRange).toBe(0);
    // Each bucket expects 10 000 with standard deviation ≈ 95: allow about 5σ.
    for (const count of buckets) expect(Math.abs(count - draws / 10)).toBeLessThan(500);
  });

  it('rejects a non-integer seed', () => {
    expect(() => seededRng(1.5)).toThrow(/integer/);
    expect(() => seededRng(Number.NaN)).toThrow(/integer/);
  });
});

describe('shuffleInPlace', () => {
  it('permutes the array in place', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const result = shuffleInPlace(items, seededRng(9));
    expect(result).toBe(items);
    expect([...items].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(items).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('makes all 6 orders of 3 items about equally likely', () => {
    const rng = seededRng(5);
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const key = shuffleInPlace(['a', 'b', 'c'], rng).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('fails loudly on a generator outside [0, 1)', () => {
    expect(() => randomIndex(() => 1, 3)).toThrow(/returned 1/);
    expect(() => shuffleInPlace([1, 2], () => -0.1)).toThrow(/\[0, 1\)/);
  });
});
