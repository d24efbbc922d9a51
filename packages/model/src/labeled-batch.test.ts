import { describe, expect, it } from 'vitest';
import type { LabeledRow } from './labeled-batch.ts';
import { batchFromRows } from './labeled-batch.ts';

const rows: LabeledRow[] = [
  { features: new Float64Array(60).fill(0.1), label: 1 },
  { features: new Float64Array(60).fill(0.2), label: 0 },
  { features: new Float64Array(60).fill(0.3), label: 1 },
];

describe('batchFromRows', () => {
  it('builds the design matrix with bias column and labels', () => {
    const batch = batchFromRows(rows);
    expect([batch.n, batch.d]).toEqual([3, 61]);
    expect(batch.x[0]).toBe(1);
    expect(batch.x[61]).toBe(1);
    expect(batch.x[62]).toBe(0.2);
    expect(Array.from(batch.y)).toEqual([1, 0, 1]);
  });

  it('takes only the given rows, in order', () => {
    const batch = batchFromRows(rows, [2, 0]);
    expect(batch.x[1]).toBe(0.3);
    expect(Array.from(batch.y)).toEqual([1, 1]);
    expect(() => batchFromRows(rows, [3])).toThrow(/row index 3 out of range/);
  });
});
