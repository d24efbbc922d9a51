import { describe, expect, it } from 'vitest';
import { seededRng } from '../random.ts';
import type { Rng } from '../random.ts';
import { Adwin } from './adwin.ts';
import { driftReport } from './report.ts';
import { bernoulli, changingAt, gaussian, SEEDS, stationary } from './streams.test-support.ts';

describe('Adwin', () => {
  it('keeps the whole stream while its mean is stable, and its mean', () => {
    const detector = new Adwin({ clock: 1 });
    const values = Array.from({ length: 1000 }, (_, t) => (t % 4 === 0 ? 1 : 0));
    expect(values.some((x) => detector.update(x))).toBe(false);
    expect(detector.width).toBe(1000);
    expect(detector.mean).toBe(0.25);
  });

  it('drops the values before an abrupt change and estimates the new mean', () => {
    const detector = new Adwin({ clock: 1 });
    const alarms: number[] = [];
    for (let t = 0; t < 2000; t++) if (detector.update(t < 1000 ? 0 : 1)) alarms.push(t);
    // A jump from 0 to 1 with zero variance before it is evident after a handful of values.
    expect(alarms[0]).toBeGreaterThanOrEqual(1000);
    expect(alarms[0]).toBeLessThan(1010);
    // Cuts fall between buckets: the oldest one kept may still mix a few values from before.
    expect(detector.mean).toBeGreaterThan(0.99);
    expect(detector.width).toBeLessThan(1010);
  });

  it('merges buckets so that memory grows with log W, not W', () => {
    const detector = new Adwin();
    const rng = seededRng(3);
    for (let t = 0; t < 200_000; t++) detector.update(bernoulli(0.3, rng));
    expect(detector.width).toBe(200_000);
    // At most M + 1 buckets per size, sizes 1, 2, 4, … up to W.
    expect(detector.buckets).toBeLessThanOrEqual((5 + 1) * (Math.log2(200_000) + 1));
    const json = detector.toJSON();
    expect(json.levels.every((level) => level.totals.length <= 5)).toBe(true);
    expect(json.levels.reduce((sum, level, i) => sum + level.totals.length * 2 ** i, 0)).toBe(200_000);
    expect(json.total / 200_000).toBeCloseTo(detector.mean!, 15);
  });

  it('keeps the variance of the window exactly for 0/1 values', () => {
    const detector = new Adwin({ clock: 10_000 });
    const values = Array.from({ length: 333 }, (_, t): number => (t % 3 === 0 ? 1 : 0));
    values.forEach((x) => detector.update(x));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const squares = values.reduce((sum, x) => sum + (x - mean) ** 2, 0);
    expect(detector.toJSON().variance).toBeCloseTo(squares, 9);
  });

  it('refuses a non-finite or overflowing value and leaves its state unchanged', () => {
    const detector = new Adwin();
    detector.update(0.5);
    const before = JSON.stringify(detector);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e101, -Number.MAX_VALUE]) {
      expect(() => detector.update(bad)).toThrow(/Adwin: input must be a finite number in \[-1e100, 1e100\]/);
    }
    expect(JSON.stringify(detector)).toBe(before);
    // The largest accepted values, alternating, keep the window's sums finite.
    for (let t = 0; t < 10_000; t++) detector.update(t % 2 === 0 ? 1e100 : -1e100);
    const state = detector.toJSON();
    expect([state.total, state.variance, ...state.levels.flatMap((l) => [...l.totals, ...l.variances])].every(Number.isFinite)).toBe(true);
  });

  it('rejects invalid parameters', () => {
    expect(() => new Adwin({ delta: 0 })).toThrow(/delta must be in \(0, 1\)/);
    expect(() => new Adwin({ clock: 0, maxBuckets: 1, minSubWindow: 1.5 })).toThrow(/clock must be .*; maxBuckets must be .*; minSubWindow must be/);
  });

  it('reset forgets the window but keeps the parameters', () => {
    const detector = new Adwin({ delta: 0.01 });
    for (let t = 0; t < 100; t++) detector.update(t % 2);
    detector.reset();
    expect([detector.width, detector.buckets, detector.parameters.delta, detector.mean]).toEqual([0, 0, 0.01, null]);
  });

  it('restores from JSON and continues exactly as the original', () => {
    const original = new Adwin();
    const next = changingAt(3000, (rng) => bernoulli(0.2, rng), (rng) => 0.5 + 0.1 * gaussian(rng))(seededRng(11));
    for (let t = 0; t < 2500; t++) original.update(next(t));
    const restored = Adwin.fromJSON(JSON.parse(JSON.stringify(original)));
    expect(JSON.stringify(restored)).toBe(JSON.stringify(original));
    let alarms = 0;
    for (let t = 2500; t < 5000; t++) {
      const x = next(t);
      const alarm = original.update(x);
      expect(restored.update(x)).toBe(alarm);
      if (alarm) alarms++;
    }
    expect(alarms).toBeGreaterThan(0);
    expect(JSON.stringify(restored)).toBe(JSON.stringify(original));
  });

  it.each([
    [[1, 2], /must be a JSON object/],
    [{ kind: 'page-hinkley', version: 1 }, /expected kind "adwin" version 1/],
    [{ kind: 'adwin', version: 1, parameters: {}, seen: 0, total: 0, variance: 0, levels: {} }, /levels must be an array/],
    [{ kind: 'adwin', version: 1, parameters: {}, seen: 1, total: 1, variance: 0, levels: [{ totals: [1], variances: [] }] }, /as many totals as variances/],
    [{ kind: 'adwin', version: 1, parameters: {}, seen: 6, total: 6, variance: 0, levels: [{ totals: [1, 1, 1, 1, 1, 1], variances: [0, 0, 0, 0, 0, 0] }] }, /at most 5/],
    [{ kind: 'adwin', version: 1, parameters: {}, seen: 1, total: 1, variance: 0, levels: [{ totals: ['1'], variances: [0] }] }, /totals\[0\] must be a finite number/],
    [{ kind: 'adwin', version: 1, parameters: {}, seen: 1, total: 1, variance: 0, levels: [{ totals: [1], variances: [-1] }] }, /variances must be >= 0/],
    [{ kind: 'adwin', version: 1, parameters: {}, seen: 2, total: 1, variance: 0, levels: [{ totals: [1], variances: [0] }, { totals: [], variances: [] }] }, /oldest level must not be empty/],
    [{ kind: 'adwin', version: 1, parameters: {}, seen: 1, total: null, variance: 0, levels: [] }, /total must be a finite number/],
  ])('rejects the corrupt state %j', (state, message) => {
    expect(() => Adwin.fromJSON(state)).toThrow(message);
  });
});

describe('Adwin on synthetic streams (20 seeds, default δ = 0.002)', () => {
  const report = (clock: number, before: (rng: Rng) => number, after: (rng: Rng) => number) =>
    driftReport({ seeds: SEEDS, length: 4000, changeAt: 1000, detector: () => new Adwin({ clock }), stream: changingAt(1000, before, after) });

  it('detects an error rate rising from 0.2 to 0.5 at value 1000 within 120 values', () => {
    for (const clock of [32, 1]) {
      const result = report(clock, (rng) => bernoulli(0.2, rng), (rng) => bernoulli(0.5, rng));
      expect(result).toMatchObject({ falseAlarms: 0, missed: 0 });
      expect(result.maxDelay).toBeLessThanOrEqual(119);
    }
  });

  it('detects a falling accuracy (0.8 to 0.5): ADWIN is two-sided', () => {
    const result = report(32, (rng) => bernoulli(0.8, rng), (rng) => bernoulli(0.5, rng));
    expect(result).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(result.meanDelay).toBeLessThanOrEqual(83);
    expect(result.maxDelay).toBeLessThanOrEqual(151);
  });

  it('detects a Gaussian mean shifting by one standard deviation within 55 values', () => {
    const result = report(32, gaussian, (rng) => 1 + gaussian(rng));
    expect(result).toMatchObject({ falseAlarms: 0, missed: 0 });
    // With a check every 32 values, delays fall on 23, 55, …: the first checks after the change.
    expect(result.maxDelay).toBeLessThanOrEqual(55);
  });

  it('detects a small shift (0.5 to 0.6), later', () => {
    const result = driftReport({
      seeds: SEEDS,
      length: 10_000,
      changeAt: 5000,
      detector: () => new Adwin(),
      stream: changingAt(5000, (rng) => bernoulli(0.5, rng), (rng) => bernoulli(0.6, rng)),
    });
    expect(result).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(result.maxDelay).toBeLessThanOrEqual(983);
  });

  it('raises no false alarm in 100 000 stationary 0/1 values per seed, and at most 3 in 2 million Gaussian ones', () => {
    const falseAlarms = (draw: (rng: Rng) => number) =>
      driftReport({ seeds: SEEDS, length: 100_000, detector: () => new Adwin(), stream: stationary(draw) }).falseAlarms;
    expect(falseAlarms((rng) => bernoulli(0.2, rng))).toBe(0);
    expect(falseAlarms((rng) => bernoulli(0.5, rng))).toBe(0);
    // Unbounded values fall outside the bound's [0, 1] assumption: a few false alarms remain.
    expect(falseAlarms(gaussian)).toBeLessThanOrEqual(3);
  });
});
