import { designMatrix } from './matrix.ts';
import type { Batch } from './matrix.ts';

/** One example: its features and its 0/1 label. */
export interface LabeledRow {
  features: Float64Array;
  label: 0 | 1;
}

/** Design matrix (bias first) and labels of parsed rows, optionally only the given row indices. */
export function batchFromRows(rows: readonly LabeledRow[], indices?: readonly number[]): Batch {
  const picked = indices ? indices.map((i) => pick(rows, i)) : rows;
  return designMatrix(
    picked.map((row) => row.features),
    picked.map((row) => row.label),
  );
}

function pick(rows: readonly LabeledRow[], index: number): LabeledRow {
  const row = rows[index];
  if (row === undefined) throw new Error(`batchFromRows: row index ${index} out of range [0, ${rows.length})`);
  return row;
}
