import { describe, expect, it } from 'vitest';
import { RollingMean } from './rolling-mean.ts';

describe('RollingMean', () => {
  it('is the mean of the last values only, NaN before any', () => {
    const mean = new RollingMean(3);
    expect(mean.value).toBeNaN();
    mean.record(1);
    mean.record(2);
    expect(mean.value).toBe(1.5);
    mean.record(3);
    mean.record(10);
    expect(mean.value).toBe(5);
  });

  it('refuses a non-finite value and a window of no size', () => {
    expect(() => new RollingMean(3).record(Number.NaN)).toThrow(/finite/);
    expect(() => new RollingMean(0)).toThrow(/positive integer/);
  });
});
