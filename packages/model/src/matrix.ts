/**
 * A design matrix with its labels. `x` is row-major with `n` rows of `d`
 * columns; column 0 is the constant 1 so that theta[0] is the bias.
 * `y` holds 0/1 labels (1 = the positive class).
 */
export interface Batch {
  x: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
}

/** Builds a batch from feature rows (without bias) and optional 0/1 labels. */
export function designMatrix(features: readonly ArrayLike<number>[], labels?: readonly number[], emptyWidth = 0): Batch {
  const n = features.length;
  // An empty batch still needs a width so it can be checked against theta.
  const featureCount = features[0]?.length ?? emptyWidth;
  const d = featureCount + 1;
  if (labels !== undefined && labels.length !== n) {
    throw new Error(`designMatrix: ${n} feature rows but ${labels.length} labels`);
  }
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = features[i] as ArrayLike<number>;
    if (row.length !== featureCount) {
      throw new Error(`designMatrix: row ${i} has ${row.length} features, expected ${featureCount}`);
    }
    const offset = i * d;
    x[offset] = 1;
    for (let j = 0; j < featureCount; j++) {
      const value = row[j] as number;
      // Reject here: one NaN would silently poison every later coefficient.
      if (!Number.isFinite(value)) throw new Error(`designMatrix: row ${i} feature ${j} is not finite (${value})`);
      x[offset + 1 + j] = value;
    }
    if (labels !== undefined) {
      const label = labels[i];
      if (label !== 0 && label !== 1) throw new Error(`designMatrix: label ${i} must be 0 or 1, got ${label}`);
      y[i] = label;
    }
  }
  return { x, y, n, d };
}

/** Rows [start, end) as a view sharing memory with `batch` (no copy). */
export function sliceRows(batch: Batch, start: number, end: number): Batch {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= batch.n)) {
    throw new Error(`sliceRows: invalid range [${start}, ${end}) for ${batch.n} rows`);
  }
  const { d } = batch;
  return { x: batch.x.subarray(start * d, end * d), y: batch.y.subarray(start, end), n: end - start, d };
}

/** Copies the given rows, in the given order, into a new batch. */
export function selectRows(batch: Batch, indices: readonly number[]): Batch {
  const { d } = batch;
  const n = indices.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = indices[i] as number;
    if (!(Number.isInteger(row) && row >= 0 && row < batch.n)) {
      throw new Error(`selectRows: row index ${row} out of range [0, ${batch.n})`);
    }
    x.set(batch.x.subarray(row * d, row * d + d), i * d);
    y[i] = batch.y[row] as number;
  }
  return { x, y, n, d };
}
