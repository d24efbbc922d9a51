import { describe, expect, it } from 'vitest';
import { SeriesStore } from './series.ts';

function storeOf(points: [at: number, value: number][], capacity = 100): SeriesStore {
  const store = new SeriesStore(capacity);
  for (const [at, value] of points) store.push('c', at, value);
  return store;
}

describe('SeriesStore', () => {
  it('keeps only the last `capacity` points', () => {
    const store = storeOf([[0, 1], [1, 2], [2, 3], [3, 4]], 3);
    expect(store.points('c').map((p) => p.value)).toEqual([2, 3, 4]);
    expect(store.latest('c')).toBe(4);
    expect(store.latest('missing')).toBeUndefined();
  });

  it('rates a counter per second from its growth over the window', () => {
    const store = storeOf([[0, 100], [1000, 300], [2000, 600], [3000, 1000]]);
    expect(store.rate('c', 10_000)).toBeCloseTo(300);
    // Only the points of the last two seconds: 300 → 1000 from 1000 ms to 3000 ms.
    expect(store.rate('c', 2000)).toBeCloseTo(350);
  });

  it('has no rate from a single point', () => {
    expect(storeOf([[0, 5]]).rate('c', 5000)).toBeUndefined();
    expect(storeOf([[0, 5], [10_000, 9]]).rate('c', 5000)).toBeUndefined();
    expect(new SeriesStore(5).rate('c', 5000)).toBeUndefined();
  });

  it('counts a drop as a restart from zero, never as a negative rate', () => {
    const store = storeOf([[0, 500], [1000, 600], [2000, 40], [3000, 140]]);
    expect(store.increase('c', 10_000)).toEqual({ increase: 100 + 40 + 100, seconds: 3 });
    expect(store.rate('c', 10_000)).toBeCloseTo(80);
  });
});
