import { describe, expect, it } from 'vitest';
import type { DriftDetector } from './detector.ts';
import { driftReport } from './report.ts';

/** Alarms whenever the value is 1: the report's bookkeeping made visible. */
const echo = (): DriftDetector => ({ update: (x) => x === 1, reset: () => {} });

describe('driftReport', () => {
  it('counts alarms before the change as false and measures the delay to the first one after it', () => {
    // Seed 1: alarms at 2 (false) and 7 (delay 2); seed 2: no alarm (missed).
    const alarmsBySeed = new Map([
      [1, [2, 7, 9]],
      [2, []],
    ]);
    let seed = 0;
    const report = driftReport({
      seeds: [1, 2],
      length: 10,
      changeAt: 5,
      detector: echo,
      stream: () => {
        seed += 1;
        const alarms = alarmsBySeed.get(seed) ?? [];
        return (t) => (alarms.includes(t) ? 1 : 0);
      },
    });
    expect(report).toEqual({
      trials: [
        { seed: 1, falseAlarms: 1, delay: 2 },
        { seed: 2, falseAlarms: 0, delay: null },
      ],
      falseAlarms: 1,
      detected: 1,
      missed: 1,
      meanDelay: 2,
      maxDelay: 2,
    });
  });

  it('counts every alarm as false on a stream without change, and reports no delay', () => {
    const report = driftReport({ seeds: [5], length: 6, detector: echo, stream: () => (t) => t % 2 });
    expect(report).toMatchObject({ falseAlarms: 3, detected: 0, missed: 0, meanDelay: null, maxDelay: null });
  });

  it('gives each run its own seeded generator', () => {
    const firsts: number[] = [];
    driftReport({ seeds: [7, 7, 8], length: 1, detector: echo, stream: (rng) => (firsts.push(rng()), () => 0) });
    expect(firsts[0]).toBe(firsts[1]);
    expect(firsts[2]).not.toBe(firsts[0]);
  });

  it('rejects a change point outside the stream', () => {
    expect(() => driftReport({ seeds: [1], length: 10, changeAt: 10, detector: echo, stream: () => () => 0 })).toThrow(/changeAt must be an integer in \[0, 10\)/);
  });
});
