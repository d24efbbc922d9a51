import { shuffleInPlace } from './random.ts';
import type { Rng } from './random.ts';
import { largestRemainder } from './largest-remainder.ts';

export interface Split {
  train: number[];
  test: number[];
}

/**
 * Random train/test split of row indices that keeps class proportions.
 *
 * The test set has T = round(n · testFraction) rows in total, shared among the
 * classes in proportion to their sizes by largest remainder: each class gets
 * floor(T · count / n), and the rows still missing go to the classes with the
 * largest fractional parts (ties to the larger class, then the smaller label).
 * For Sonar (97 R, 111 M) and f = 0.2: T = round(41.6) = 42; R's share is 19.59
 * and M's 22.41, floors 19 + 22 = 41, and the last row goes to R: 20 R + 22 M
 * in test, 166 rows in train. (Rounding each class's count · f separately
 * would give 19 + 22 = 41.)
 */
export function stratifiedSplit(labels: readonly number[], testFraction: number, rng: Rng): Split {
  if (!(testFraction >= 0 && testFraction <= 1)) throw new Error(`stratifiedSplit: testFraction must be in [0, 1], got ${testFraction}`);
  const classes = groupByClass(labels);
  const quotas = largestRemainder(
    classes.map((c) => c.rows.length),
    Math.round(labels.length * testFraction),
  );
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach(({ rows }, c) => {
    shuffleInPlace(rows, rng);
    const quota = quotas[c] as number;
    test.push(...rows.slice(0, quota));
    train.push(...rows.slice(quota));
  });
  return { train: train.sort(ascending), test: test.sort(ascending) };
}

/**
 * k stratified folds: each class's rows are shuffled and dealt round-robin,
 * continuing where the previous class stopped, so fold sizes differ by at
 * most one overall and within each class. Fold i tests on its own rows and
 * trains on all the others.
 */
export function kFold(labels: readonly number[], k: number, rng: Rng): Split[] {
  if (!(Number.isSafeInteger(k) && k >= 2 && k <= labels.length)) {
    throw new Error(`kFold: k must be an integer in [2, ${labels.length}], got ${k}`);
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const { rows } of groupByClass(labels)) {
    for (const row of shuffleInPlace(rows, rng)) {
      (folds[next] as number[]).push(row);
      next = (next + 1) % k;
    }
  }
  return folds.map((fold, i) => ({
    train: folds.flatMap((other, j) => (j === i ? [] : other)).sort(ascending),
    test: fold.sort(ascending),
  }));
}

interface ClassRows {
  label: number;
  rows: number[];
}

/** Rows of each distinct label, labels ascending so the rng is consumed in a fixed order. */
function groupByClass(labels: readonly number[]): ClassRows[] {
  const byLabel = new Map<number, number[]>();
  labels.forEach((label, row) => {
    if (!Number.isFinite(label)) throw new Error(`label ${row} is not a finite number: ${label}`);
    const rows = byLabel.get(label);
    if (rows) rows.push(row);
    else byLabel.set(label, [row]);
  });
  return [...byLabel.entries()].sort(([a], [b]) => a - b).map(([label, rows]) => ({ label, rows }));
}

function ascending(a: number, b: number): number {
  return a - b;
}
