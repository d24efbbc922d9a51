import { describe, expect, it } from 'vitest';
import { AccuracyWindow } from './accuracy-window.ts';

describe('AccuracyWindow', () => {
  it('is NaN before anything is recorded', () => {
    expect(new AccuracyWindow(3).value).toBeNaN();
  });

  it('counts only the last `size` predictions', () => {
    const window = new AccuracyWindow(3);
    for (const hit of [false, false, true, true]) window.record(hit);
    expect(window.value).toBeCloseTo(2 / 3, 15);
    window.record(true);
    expect(window.value).toBe(1);
  });
});
