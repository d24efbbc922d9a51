import { labelOf } from '@sonar/contracts';
import { seededRng, shuffleInPlace, stratifiedSplit, type LabeledRow, type Rng } from '@sonar/model';
import type { Label } from '@sonar/contracts';
import { loadSonar } from '@sonar/dataset';
import { syntheticReading } from './synthetic.ts';

/** A row to replay: the data set's, or any file of UCI lines (labels optional). */
export interface SourceRow {
  features: Float64Array;
  label: Label | undefined;
}

/** Labeled rows (1 = R, 0 = M) as rows to replay; by default the shipped data set. */
export function sonarSourceRows(rows: readonly LabeledRow[] = loadSonar()): SourceRow[] {
  return rows.map((r) => ({ features: r.features, label: labelOf(r.label) }));
}

export interface PlannedReading {
  id: string;
  features: Float64Array;
  label: Label | undefined;
  holdout: boolean;
}

export interface ReplayOptions {
  epochs: number;
  shuffle: boolean;
  seed: number;
  /** Fraction of labeled rows (stratified) sent with holdout: true, the same rows every epoch. */
  holdout: number;
  /** When set, this many synthetic readings instead of the rows themselves. */
  synthetic?: number | undefined;
  idPrefix: string;
  /** A change to see detected: from the reading of this index on (0-based, over the whole plan), the stream drifts. */
  drift?: Drift | undefined;
}

/**
 * label-flip: every label swapped (R ↔ M), the concept reversed; shift: every feature
 * moved up by DRIFT_SHIFT (capped at 1), the inputs moved, the concept kept.
 */
export interface Drift {
  at: number;
  kind: 'label-flip' | 'shift';
}

export const DRIFT_KINDS = ['label-flip', 'shift'] as const;
const DRIFT_SHIFT = 0.25;

/** A planned reading as it is after the plan's drift (the same reading before the drift point). */
export function drifted(reading: PlannedReading, index: number, drift: Drift | undefined): PlannedReading {
  if (!drift || index < drift.at) return reading;
  if (drift.kind === 'label-flip') return { ...reading, label: reading.label === 'R' ? 'M' : reading.label === 'M' ? 'R' : undefined };
  return { ...reading, features: reading.features.map((x) => Math.min(1, x + DRIFT_SHIFT)) };
}

/**
 * Row indices held out for a seed: the test side of the same stratified split
 * `sonar fit --test-size F --seed S` makes, so the two can be compared.
 */
export function holdoutRows(rows: readonly SourceRow[], fraction: number, seed: number): Set<number> {
  if (fraction <= 0) return new Set();
  const labeled = rows.flatMap((row, index) => (row.label === undefined ? [] : [index]));
  const split = stratifiedSplit(labeled.map((i) => (rows[i]!.label === 'R' ? 1 : 0)), fraction, seededRng(seed));
  return new Set(split.test.map((i) => labeled[i]!));
}

export function plannedCount(rows: readonly SourceRow[], options: ReplayOptions): number {
  return options.synthetic ?? rows.length * options.epochs;
}

/** The readings to send, in order; lazily, so a long synthetic run holds nothing in memory. */
export function* replayPlan(rows: readonly SourceRow[], options: ReplayOptions): Generator<PlannedReading> {
  let index = 0;
  for (const reading of undriftedPlan(rows, options)) yield drifted(reading, index++, options.drift);
}

function* undriftedPlan(rows: readonly SourceRow[], options: ReplayOptions): Generator<PlannedReading> {
  const holdout = holdoutRows(rows, options.holdout, options.seed);
  // Separate streams, so that shuffling or not never changes which rows are held out.
  const order: Rng = seededRng(options.seed + 1);
  if (options.synthetic !== undefined) {
    yield* synthetic(rows, options, seededRng(options.seed + 2), holdout.size / Math.max(1, rows.length));
    return;
  }
  const indices = rows.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    if (options.shuffle) shuffleInPlace(indices, order);
    for (const index of indices) {
      const row = rows[index]!;
      yield {
        id: `${options.idPrefix}${String(index).padStart(3, '0')}-e${epoch}`,
        features: row.features,
        label: row.label,
        holdout: holdout.has(index),
      };
    }
  }
}

function* synthetic(rows: readonly SourceRow[], options: ReplayOptions, rng: Rng, holdoutShare: number): Generator<PlannedReading> {
  const byClass = { R: rows.filter((r) => r.label === 'R'), M: rows.filter((r) => r.label === 'M') };
  if (byClass.R.length < 2 || byClass.M.length < 2) throw new Error('synthetic readings need at least two rows of each class');
  const rockShare = byClass.R.length / (byClass.R.length + byClass.M.length);
  for (let n = 0; n < options.synthetic!; n++) {
    const label: Label = rng() < rockShare ? 'R' : 'M';
    yield {
      id: `${options.idPrefix}s${n}`,
      features: syntheticReading(byClass[label], rng),
      label,
      holdout: rng() < holdoutShare,
    };
  }
}
