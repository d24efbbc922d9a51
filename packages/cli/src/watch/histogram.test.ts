import { describe, expect, it } from 'vitest';
import { parseLe, quantile } from './histogram.ts';

const INF = Number.POSITIVE_INFINITY;

describe('quantile', () => {
  it('interpolates linearly inside the bucket the rank falls in, as Prometheus does', () => {
    // 100 observations: 40 up to 10 ms, 50 in (10 ms, 50 ms], 10 in (50 ms, 100 ms].
    const buckets = [
      { le: 0.01, count: 40 },
      { le: 0.05, count: 90 },
      { le: 0.1, count: 100 },
      { le: INF, count: 100 },
    ];
    expect(quantile(0.5, buckets)).toBeCloseTo(0.01 + (0.04 * 10) / 50);
    expect(quantile(0.2, buckets)).toBeCloseTo(0.005);
    expect(quantile(0.99, buckets)).toBeCloseTo(0.05 + (0.05 * 9) / 10);
  });

  it('does not depend on the order of the buckets', () => {
    const buckets = [
      { le: INF, count: 4 },
      { le: 1, count: 4 },
      { le: 0.5, count: 2 },
    ];
    expect(quantile(0.5, buckets)).toBeCloseTo(0.5);
  });

  it('reports a quantile beyond the last finite bound as that bound', () => {
    const buckets = [
      { le: 0.1, count: 1 },
      { le: 120, count: 2 },
      { le: INF, count: 10 },
    ];
    expect(quantile(0.99, buckets)).toBe(120);
  });

  it('is undefined without observations or without the +Inf bucket', () => {
    expect(quantile(0.5, [])).toBeUndefined();
    expect(quantile(0.5, [{ le: 0.1, count: 0 }, { le: INF, count: 0 }])).toBeUndefined();
    expect(quantile(0.5, [{ le: 0.1, count: 5 }])).toBeUndefined();
  });
});

describe('parseLe', () => {
  it('reads bounds, +Inf included', () => {
    expect(parseLe('0.005')).toBe(0.005);
    expect(parseLe('+Inf')).toBe(INF);
    expect(parseLe('')).toBeUndefined();
    expect(parseLe('x')).toBeUndefined();
  });
});
