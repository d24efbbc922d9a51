import type { Batch } from './matrix.ts';

/** Mismatched widths are programming errors, so they throw rather than return a result. */
export function assertThetaMatches(theta: Float64Array, batch: Batch, where: string): void {
  if (theta.length !== batch.d) {
    throw new Error(`${where}: theta has ${theta.length} coefficients but the batch has ${batch.d} columns`);
  }
  if (batch.x.length < batch.n * batch.d || batch.y.length < batch.n) {
    throw new Error(`${where}: batch arrays are shorter than ${batch.n} rows of ${batch.d} columns`);
  }
}

/** The mean over zero rows is 0/0: asking for it is a caller bug, not a NaN to propagate. */
export function assertNotEmpty(batch: Batch, where: string): void {
  if (batch.n === 0) throw new Error(`${where}: the batch has no rows`);
}
