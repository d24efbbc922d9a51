import { describe, expect, it } from 'vitest';
import { alignToRounds } from './align.ts';

const points = (...pairs: [number, number][]) => pairs.map(([at, value]) => ({ at, value }));

describe('alignToRounds', () => {
  it('repeats the previous value in a round a series missed', () => {
    const { times, values } = alignToRounds([0, 1, 2, 3], [points([0, 5], [1, 6], [3, 8])]);
    expect(times).toEqual([0, 1, 2, 3]);
    expect(values).toEqual([[5, 6, 6, 8]]);
  });

  it('starts where every series with data has started, and leaves an empty series empty', () => {
    const { times, values } = alignToRounds([0, 1, 2, 3], [points([0, 1], [1, 2], [2, 3], [3, 4]), points([2, 9], [3, 8]), []]);
    expect(times).toEqual([2, 3]);
    expect(values).toEqual([[3, 4], [9, 8], []]);
  });

  it('carries in a value from before the first kept round', () => {
    const { values } = alignToRounds([10, 11], [points([5, 7], [11, 8])]);
    expect(values).toEqual([[7, 8]]);
  });
});
