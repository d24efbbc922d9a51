import { describe, expect, it } from 'vitest';
import { DedupWindow } from './dedup-window.ts';

describe('DedupWindow', () => {
  it('flags an id seen within the last `size` offsets, and forgets it after', () => {
    const window = new DedupWindow(10);
    expect(window.seen('a', 100)).toBe(false);
    expect(window.seen('b', 101)).toBe(false);
    expect(window.seen('a', 105)).toBe(true);
    // 'a' at 100 and 105: at 111 only the copy at 105 is within [101, 111).
    expect(window.seen('a', 111)).toBe(true);
    expect(window.seen('b', 112)).toBe(false);
    expect(window.seen('a', 130)).toBe(false);
  });

  it('decides by offsets, whatever came in between: a rebuilt window decides alike', () => {
    const stream = Array.from({ length: 500 }, (_, i) => ({ id: `r${(i * 7) % 40}`, offset: 1000 + i * 2 }));
    const whole = new DedupWindow(100);
    const decisions = stream.map((r) => whole.seen(r.id, r.offset));
    // A trainer resumed at offset 1600 warms up on [1500, 1600), then decides.
    const resumed = new DedupWindow(100);
    for (const r of stream.filter((r) => r.offset >= 1500 && r.offset < 1600)) resumed.remember(r.id, r.offset);
    const after = stream.filter((r) => r.offset >= 1600).map((r) => resumed.seen(r.id, r.offset));
    expect(after).toEqual(decisions.slice(stream.findIndex((r) => r.offset >= 1600)));
    expect(decisions.some(Boolean)).toBe(true);
  });

  it('stays bounded over a long stream', () => {
    const window = new DedupWindow(1000);
    for (let i = 0; i < 200_000; i++) window.seen(`id-${i}`, i);
    expect(window.length).toBeLessThanOrEqual(1001);
  });
});
