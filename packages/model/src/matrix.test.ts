import { describe, expect, it } from 'vitest';
import { designMatrix, selectRows, sliceRows } from './matrix.ts';

describe('designMatrix', () => {
  it('prepends a column of ones and stores rows one after another', () => {
    const batch = designMatrix(
      [
        [2, 3],
        [4, 5],
      ],
      [1, 0],
    );
    expect(batch.n).toBe(2);
    expect(batch.d).toBe(3);
    expect(Array.from(batch.x)).toEqual([1, 2, 3, 1, 4, 5]);
    expect(Array.from(batch.y)).toEqual([1, 0]);
  });

  it('uses zero labels when none are given', () => {
    const batch = designMatrix([new Float64Array(60).fill(0.5)]);
    expect(batch.d).toBe(61);
    expect(Array.from(batch.y)).toEqual([0]);
  });

  it('rejects ragged rows, non-finite values, bad labels and a label count mismatch', () => {
    expect(() => designMatrix([[1, 2], [3]])).toThrow(/row 1 has 1 features, expected 2/);
    expect(() => designMatrix([[1, Number.NaN]])).toThrow(/row 0 feature 1 is not finite/);
    expect(() => designMatrix([[1]], [2])).toThrow(/label 0 must be 0 or 1/);
    expect(() => designMatrix([[1]], [1, 0])).toThrow(/1 feature rows but 2 labels/);
  });
});

describe('sliceRows and selectRows', () => {
  const batch = designMatrix([[10], [20], [30], [40]], [1, 0, 1, 0]);

  it('slices a view that shares memory with the batch', () => {
    const view = sliceRows(batch, 1, 3);
    expect(view.n).toBe(2);
    expect(Array.from(view.x)).toEqual([1, 20, 1, 30]);
    expect(Array.from(view.y)).toEqual([0, 1]);
    expect(view.x.buffer).toBe(batch.x.buffer);
    expect(() => sliceRows(batch, 3, 5)).toThrow(/invalid range/);
  });

  it('copies selected rows in the order given', () => {
    const picked = selectRows(batch, [3, 0, 3]);
    expect(Array.from(picked.x)).toEqual([1, 40, 1, 10, 1, 40]);
    expect(Array.from(picked.y)).toEqual([0, 1, 0]);
    expect(picked.x.buffer).not.toBe(batch.x.buffer);
    expect(() => selectRows(batch, [4])).toThrow(/out of range/);
  });
});
