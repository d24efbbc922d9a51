import { describe, expect, it } from 'vitest';
import { seededRng } from '../random.ts';
import { PageHinkley } from './page-hinkley.ts';
import { driftReport } from './report.ts';
import { bernoulli, changingAt, gaussian, SEEDS, stationary } from './streams.test-support.ts';

describe('PageHinkley', () => {
  it('alarms when the cumulative deviation above the running mean exceeds λ, then starts afresh', () => {
    const detector = new PageHinkley({ delta: 0, threshold: 1, alpha: 1, minInstances: 1 });
    // Means 0, 0, 0, 0.5; the statistic stays 0 until 2 - 0.5 = 1.5 > 1.
    expect([0, 0, 0].map((x) => detector.update(x))).toEqual([false, false, false]);
    expect(detector.update(2)).toBe(true);
    expect(detector.statistic).toBe(0);
    expect(detector.toJSON()).toMatchObject({ n: 0, mean: 0, statistic: 0 });
  });

  it('accumulates deviations net of δ and forgets by α', () => {
    const detector = new PageHinkley({ delta: 0.1, threshold: 100, alpha: 0.5, minInstances: 1 });
    detector.update(0);
    detector.update(2); // mean 1: max(0, 0.5·0 + 2 - 1 - 0.1) = 0.9
    expect(detector.statistic).toBeCloseTo(0.9, 15);
    detector.update(2); // mean 4/3: 0.45 + 2 - 4/3 - 0.1
    expect(detector.statistic).toBeCloseTo(0.45 + 2 - 4 / 3 - 0.1, 15);
  });

  it('watches for a falling mean with direction decrease', () => {
    const up = new PageHinkley({ delta: 0, threshold: 1, alpha: 1, minInstances: 1 });
    const down = new PageHinkley({ delta: 0, threshold: 1, alpha: 1, minInstances: 1, direction: 'decrease' });
    const values = [0.3, 0.1, 0.2, 2.5];
    expect(values.map((x) => down.update(-x))).toEqual(values.map((x) => up.update(x)));
    expect(new PageHinkley({ ...down.parameters }).update(2)).toBe(false);
  });

  it('does not alarm before minInstances values', () => {
    const detector = new PageHinkley({ delta: 0, threshold: 1, alpha: 1, minInstances: 5 });
    expect([0, 10, 10, 10].map((x) => detector.update(x))).toEqual([false, false, false, false]);
    expect(detector.update(10)).toBe(true);
  });

  it('refuses a non-finite or overflowing value and leaves its state unchanged', () => {
    const detector = new PageHinkley();
    detector.update(0.5);
    const before = JSON.stringify(detector);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e101, -Number.MAX_VALUE, '1' as unknown as number]) {
      expect(() => detector.update(bad)).toThrow(/PageHinkley: input must be a finite number in \[-1e100, 1e100\]/);
    }
    expect(JSON.stringify(detector)).toBe(before);
    // The largest accepted values, alternating, keep every statistic finite.
    for (let t = 0; t < 1000; t++) detector.update(t % 2 === 0 ? 1e100 : -1e100);
    expect(Object.values(detector.toJSON()).filter((v) => typeof v === 'number').every(Number.isFinite)).toBe(true);
  });

  it('rejects invalid parameters, listing each problem', () => {
    expect(() => new PageHinkley({ delta: -1, threshold: 0, alpha: 1.5, minInstances: 0.5 })).toThrow(
      /delta must be .*; threshold must be .*; alpha must be in \(0, 1\].*; minInstances must be/,
    );
    expect(() => new PageHinkley({ direction: 'both' as 'increase' })).toThrow(/direction must be increase or decrease/);
  });

  it('restores from JSON and continues exactly as the original', () => {
    const original = new PageHinkley({ delta: 0.1, threshold: 15 });
    const next = changingAt(300, (rng) => bernoulli(0.2, rng), (rng) => bernoulli(0.6, rng))(seededRng(7));
    for (let t = 0; t < 150; t++) original.update(next(t));
    const restored = PageHinkley.fromJSON(JSON.parse(JSON.stringify(original)));
    expect(JSON.stringify(restored)).toBe(JSON.stringify(original));
    let alarms = 0;
    for (let t = 150; t < 600; t++) {
      const x = next(t);
      const alarm = original.update(x);
      expect(restored.update(x)).toBe(alarm);
      if (alarm) alarms++;
    }
    expect(alarms).toBeGreaterThan(0);
    expect(JSON.stringify(restored)).toBe(JSON.stringify(original));
  });

  it.each([
    [null, /must be a JSON object/],
    [{ kind: 'adwin', version: 1 }, /expected kind "page-hinkley" version 1/],
    [{ kind: 'page-hinkley', version: 1, parameters: { threshold: -1 }, n: 0, mean: 0, statistic: 0 }, /threshold must be/],
    [{ kind: 'page-hinkley', version: 1, parameters: {}, n: 1.5, mean: 0, statistic: 0 }, /n must be a non-negative integer/],
    [{ kind: 'page-hinkley', version: 1, parameters: {}, n: 1, mean: null, statistic: 0 }, /mean must be a finite number/],
    [{ kind: 'page-hinkley', version: 1, parameters: {}, n: 1, mean: 0, statistic: -1 }, /statistic must be >= 0/],
  ])('rejects the corrupt state %j', (state, message) => {
    expect(() => PageHinkley.fromJSON(state)).toThrow(message);
  });
});

describe('PageHinkley on synthetic streams (20 seeds)', () => {
  // δ about a third of the shift to detect, λ for no false alarm in 2 million stationary values.
  const forRates = () => new PageHinkley({ delta: 0.1, threshold: 15 });

  it('detects an error rate rising from 0.2 to 0.5 at value 1000 within 120 values', () => {
    const report = driftReport({
      seeds: SEEDS,
      length: 4000,
      changeAt: 1000,
      detector: forRates,
      stream: changingAt(1000, (rng) => bernoulli(0.2, rng), (rng) => bernoulli(0.5, rng)),
    });
    expect(report).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(report.meanDelay).toBeLessThanOrEqual(81);
    expect(report.maxDelay).toBeLessThanOrEqual(120);
  });

  it('detects a falling accuracy (0.8 to 0.5) with direction decrease within 135 values', () => {
    const report = driftReport({
      seeds: SEEDS,
      length: 4000,
      changeAt: 1000,
      detector: () => new PageHinkley({ delta: 0.1, threshold: 15, direction: 'decrease' }),
      stream: changingAt(1000, (rng) => bernoulli(0.8, rng), (rng) => bernoulli(0.5, rng)),
    });
    expect(report).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(report.meanDelay).toBeLessThanOrEqual(73);
    expect(report.maxDelay).toBeLessThanOrEqual(135);
  });

  it('detects a Gaussian mean shifting by one standard deviation within 45 values', () => {
    const report = driftReport({
      seeds: SEEDS,
      length: 4000,
      changeAt: 1000,
      detector: () => new PageHinkley({ delta: 0.25, threshold: 25 }),
      stream: changingAt(1000, gaussian, (rng) => 1 + gaussian(rng)),
    });
    expect(report).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(report.meanDelay).toBeLessThanOrEqual(32);
    expect(report.maxDelay).toBeLessThanOrEqual(45);
  });

  it('raises no false alarm in 100 000 stationary values per seed', () => {
    const rates = (p: number) => driftReport({ seeds: SEEDS, length: 100_000, detector: forRates, stream: stationary((rng) => bernoulli(p, rng)) });
    expect(rates(0.2).falseAlarms).toBe(0);
    expect(rates(0.5).falseAlarms).toBe(0);
    const normal = driftReport({ seeds: SEEDS, length: 100_000, detector: () => new PageHinkley({ delta: 0.25, threshold: 25 }), stream: stationary(gaussian) });
    expect(normal.falseAlarms).toBe(0);
  });

  it('with the default parameters (tuned for small-variance signals) alarms falsely on a noisy 0/1 stream', () => {
    // Stated so nobody mistakes the defaults for a fit for per-reading hits: tune δ and λ to the signal.
    const report = driftReport({ seeds: SEEDS, length: 100_000, detector: () => new PageHinkley(), stream: stationary((rng) => bernoulli(0.2, rng)) });
    expect(report.falseAlarms).toBeGreaterThan(0);
    expect(report.falseAlarms).toBeLessThanOrEqual(14);
  });
});
