import { describe, expect, it } from 'vitest';
import { DedupWindow } from './dedup-window.ts';
import { hashOf, IdSet } from './id-set.ts';

describe('DedupWindow', () => {
  it('flags an id seen in this generation of offsets or the one before, and forgets it after', () => {
    const window = new DedupWindow(10);
    expect(window.seen('a', 100)).toBe(false);
    expect(window.seen('b', 101)).toBe(false);
    expect(window.seen('a', 105)).toBe(true);
    // Offsets 110-119 are the next generation: 100-109 are still in the window.
    expect(window.seen('b', 118)).toBe(true);
    // 120-129: the generation of 100-109 is gone, that of 110-119 (where 'b' came again) stays.
    expect(window.seen('a', 121)).toBe(false);
    expect(window.seen('b', 122)).toBe(true);
    expect(window.seen('b', 145)).toBe(false);
  });

  it('decides by offsets, whatever came in between: a window rebuilt from warmupFrom decides alike', () => {
    const stream = Array.from({ length: 500 }, (_, i) => ({ id: `r${(i * 7) % 45}`, offset: 1000 + i * 2 }));
    const whole = new DedupWindow(100);
    const decisions = stream.map((r) => whole.seen(r.id, r.offset));
    for (const start of [1600, 1650, 1700]) {
      const resumed = new DedupWindow(100);
      const from = DedupWindow.warmupFrom(start, 100);
      for (const r of stream.filter((r) => r.offset >= from && r.offset < start)) resumed.remember(r.id, r.offset);
      const after = stream.filter((r) => r.offset >= start).map((r) => resumed.seen(r.id, r.offset));
      expect(after, `resumed at ${start}`).toEqual(decisions.slice(stream.findIndex((r) => r.offset >= start)));
    }
    expect(decisions.filter(Boolean).length).toBeGreaterThan(10);
  });

  it('holds between size and 2 × size offsets, and stays bounded over a long stream', () => {
    expect(DedupWindow.warmupFrom(1650, 100)).toBe(1500);
    const window = new DedupWindow(1000);
    for (let i = 0; i < 200_000; i++) window.seen(`id-${i}`, i);
    expect(window.length).toBeLessThanOrEqual(2000);
  });
});

describe('IdSet', () => {
  it('is exact: ids whose hashes collide are told apart', () => {
    const set = new IdSet(100);
    // Same hash, different strings: the table compares the strings too.
    set.add('x', 5);
    expect(set.has('y', 5)).toBe(false);
    expect(set.has('x', 5)).toBe(true);
    expect(set.has('x')).toBe(hashOf('x') === 5);
  });

  it('add says whether the id was there already, also once the set is full', () => {
    const set = new IdSet(2);
    expect([set.add('a'), set.add('a'), set.add('b')]).toEqual([false, true, false]);
    // Full: a new id is not kept, a kept one is still found.
    expect([set.add('c'), set.add('b'), set.has('c')]).toEqual([false, true, false]);
    expect(set.size).toBe(2);
  });

  it('clears in one step, and refuses nothing below its capacity', () => {
    const set = new IdSet(1000);
    for (let i = 0; i < 1000; i++) set.add(`id-${i}`);
    expect(set.size).toBe(1000);
    expect(set.has('id-999')).toBe(true);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.has('id-999')).toBe(false);
  });
});
