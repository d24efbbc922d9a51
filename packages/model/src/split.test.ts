import { describe, expect, it } from 'vitest';
import { loadSonar } from '@sonar/dataset';
import { seededRng } from './random.ts';
import { largestRemainder } from './largest-remainder.ts';
import { kFold, stratifiedSplit } from './split.ts';

const labels = loadSonar().map((r) => r.label as number);
const count = (rows: number[], label: number) => rows.filter((i) => labels[i] === label).length;
const isAscending = (rows: number[]) => rows.every((v, i) => i === 0 || rows[i - 1]! < v);

describe('stratifiedSplit', () => {
  it('gives Sonar an 80/20 split of 166 training and 42 test rows', () => {
    expect([count(labels.map((_, i) => i), 1), count(labels.map((_, i) => i), 0)]).toEqual([97, 111]);
    const { train, test } = stratifiedSplit(labels, 0.2, seededRng(1));
    expect(train.length).toBe(166);
    expect(test.length).toBe(42);
    // 42 shared by largest remainder: 97·42/208 = 19.59 → 20 rocks, 111·42/208 = 22.41 → 22 mines.
    expect([count(test, 1), count(test, 0)]).toEqual([20, 22]);
    expect([count(train, 1), count(train, 0)]).toEqual([77, 89]);
  });

  it('is disjoint, covering and sorted', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, seededRng(2));
    expect(isAscending(train) && isAscending(test)).toBe(true);
    expect(new Set([...train, ...test]).size).toBe(208);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const a = stratifiedSplit(labels, 0.2, seededRng(7));
    expect(stratifiedSplit(labels, 0.2, seededRng(7))).toEqual(a);
    expect(stratifiedSplit(labels, 0.2, seededRng(8)).test).not.toEqual(a.test);
  });

  it('keeps the class proportions for other fractions', () => {
    for (const fraction of [0.1, 0.25, 0.5]) {
      const { test } = stratifiedSplit(labels, fraction, seededRng(3));
      expect(test.length).toBe(Math.round(208 * fraction));
      expect(Math.abs(count(test, 1) / test.length - 97 / 208)).toBeLessThan(1 / test.length);
    }
  });

  it('handles the edge fractions and rejects nonsense', () => {
    expect(stratifiedSplit(labels, 0, seededRng(1)).test).toEqual([]);
    expect(stratifiedSplit(labels, 1, seededRng(1)).train).toEqual([]);
    expect(() => stratifiedSplit(labels, 1.2, seededRng(1))).toThrow(/testFraction/);
  });
});

describe('largestRemainder', () => {
  it('hands out the total in proportion, extra units to the largest remainders', () => {
    expect(largestRemainder([97, 111], 42)).toEqual([20, 22]);
    expect(largestRemainder([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(largestRemainder([5, 3, 2], 10)).toEqual([5, 3, 2]);
    expect(largestRemainder([], 0)).toEqual([]);
  });
});

describe('kFold', () => {
  it('tests every row exactly once, with balanced stratified folds', () => {
    const folds = kFold(labels, 5, seededRng(4));
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(tested).toEqual(labels.map((_, i) => i));
    for (const { train, test } of folds) {
      expect(isAscending(train) && isAscending(test)).toBe(true);
      expect(train.length + test.length).toBe(208);
      expect(train.some((i) => test.includes(i))).toBe(false);
      expect([41, 42]).toContain(test.length);
      expect([19, 20]).toContain(count(test, 1));
      expect([22, 23]).toContain(count(test, 0));
    }
  });

  it('is reproducible for a seed and rejects an impossible k', () => {
    expect(kFold(labels, 3, seededRng(6))).toEqual(kFold(labels, 3, seededRng(6)));
    expect(kFold(labels, 3, seededRng(6))).not.toEqual(kFold(labels, 3, seededRng(16)));
    expect(() => kFold(labels, 1, seededRng(1))).toThrow(/k must be/);
    expect(() => kFold([0, 1], 3, seededRng(1))).toThrow(/k must be/);
  });
});
