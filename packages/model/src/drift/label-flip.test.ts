import { describe, expect, it } from 'vitest';
import { cost } from '../cost.ts';
import { loadSonar } from '@sonar/dataset';
import type { LabeledRow } from '../labeled-batch.ts';
import { fit } from '../fit.ts';
import { batchFromRows } from '../labeled-batch.ts';
import type { OptimizerConfig } from '../optimizers/config.ts';
import { initialState } from '../optimizers/state.ts';
import { optimizerStepInPlace } from '../optimizers/step.ts';
import { predictLabel, predictProbability } from '../predict.ts';
import { randomIndex, shuffleInPlace } from '../random.ts';
import type { Rng } from '../random.ts';
import { Adwin } from './adwin.ts';
import type { DriftDetector } from './detector.ts';
import { PageHinkley } from './page-hinkley.ts';
import { driftReport } from './report.ts';

// The scenario the detectors are for: at a known point every label flips (R ↔ M).
const rows = loadSonar();
const seeds = [1, 2, 3, 4, 5];
const flip = (row: LabeledRow): LabeledRow => ({ features: row.features, label: row.label === 1 ? 0 : 1 });

/**
 * The trainer's signal: online sgd with its defaults (α = 0.1, batches of 32
 * readings from epochs of shuffled Sonar rows); value t is batch t's loss under
 * the current θ, before the batch is applied (progressive validation).
 */
function trainerLosses(flipAt: number) {
  return (rng: Rng) => {
    const config: OptimizerConfig = { optimizer: 'sgd', alpha: 0.1 };
    const state = initialState(config, 61);
    let epoch: number[] = [];
    return (t: number): number => {
      const picked: LabeledRow[] = [];
      while (picked.length < 32) {
        if (epoch.length === 0) epoch = shuffleInPlace(rows.map((_, i) => i), rng);
        const row = rows[epoch.pop() as number] as LabeledRow;
        picked.push(t >= flipAt ? flip(row) : row);
      }
      const batch = batchFromRows(picked);
      const loss = cost(state.theta, batch);
      const step = optimizerStepInPlace(state, batch, config);
      if (!step.ok) throw new Error(step.message);
      return loss;
    };
  };
}

/** The scorer's signal: 1 when a fixed model classifies a holdout reading right, drawn from the test rows. */
function holdoutHits(flipAt: number) {
  const model = fit(rows, { alpha: 0.1, iterations: 1000, l2: 0, optimizer: 'sgd', testSize: 0.2, seed: 42 });
  return (rng: Rng) =>
    (t: number): number => {
      const row = rows[model.testRows[randomIndex(rng, model.testRows.length)] as number] as LabeledRow;
      const label = t >= flipAt ? flip(row).label : row.label;
      return predictLabel(predictProbability(model.theta, row.features)) === label ? 1 : 0;
    };
}

describe('drift on a label flip', () => {
  // 400 batches (about 60 epochs) of learning, then 100 with flipped labels:
  // the progressive loss jumps from about 0.53 to about 1.0.
  const onLoss = (detector: () => DriftDetector) => driftReport({ seeds, length: 500, changeAt: 400, detector, stream: trainerLosses(400) });

  it("Page-Hinkley sees the trainer's loss rise within 6 batches, and not the learning before", () => {
    // A batch loss varies by about 0.04: δ = 0.05 ignores that, λ = 2 is some four batches of a 0.5 jump.
    const report = onLoss(() => new PageHinkley({ delta: 0.05, threshold: 2 }));
    expect(report).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(report.maxDelay).toBeLessThanOrEqual(6);
  });

  it("ADWIN checking every batch sees the trainer's loss change within 21 batches", () => {
    const report = onLoss(() => new Adwin({ clock: 1 }));
    expect(report).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(report.maxDelay).toBeLessThanOrEqual(21);
  });

  // A model at 79% test accuracy, scored on 1000 holdout readings, then 2000 flipped ones (about 21% right).
  const onHits = (detector: () => DriftDetector) => driftReport({ seeds, length: 3000, changeAt: 1000, detector, stream: holdoutHits(1000) });

  it("ADWIN sees the scorer's holdout accuracy fall within 56 readings", () => {
    const report = onHits(() => new Adwin());
    expect(report).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(report.maxDelay).toBeLessThanOrEqual(56);
  });

  it("Page-Hinkley on the decrease sees the scorer's holdout accuracy fall within 35 readings", () => {
    const report = onHits(() => new PageHinkley({ delta: 0.1, threshold: 15, direction: 'decrease' }));
    expect(report).toMatchObject({ falseAlarms: 0, missed: 0 });
    expect(report.maxDelay).toBeLessThanOrEqual(35);
  });
});
