import { describe, expect, it } from 'vitest';
import { encodeReadingJson } from '@sonar/contracts';
import { loadSonar } from '@sonar/dataset';
import { seededRng, shuffleInPlace, type OptimizerConfig } from '@sonar/model';
import { batchOf } from '../core/fixtures.test-support.ts';
import { gatherReadings } from './gather-readings.ts';
import { Learner, type LearnerSettings } from './learner.ts';

const ROWS = loadSonar();
const EPOCH = ROWS.length;

/** The data set replayed in shuffled epochs (seeded), labels flipped from reading `flipAt` on, through a learner; the readings seen at each alarm. */
function replay(seed: number, epochs: number, flipAt: number | undefined, optimizer: OptimizerConfig, onDrift: 'none' | 'reset-schedule' = 'none') {
  const settings: LearnerSettings = { batchSize: 32, maxWaitMs: 0, optimizer, costLimit: 50, accuracyWindow: 500, dedupWindow: 0, drift: { threshold: 5, delta: 0.005, onDrift } };
  const learner = new Learner(settings, undefined, new Map([[0, 0]]));
  const rng = seededRng(seed);
  const alarms: number[] = [];
  const accuracyAfter = new Map<number, number>();
  let offset = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffleInPlace(ROWS.map((_, i) => i), rng);
    const values = order.map((i, k) => {
      const flipped = flipAt !== undefined && offset + k >= flipAt;
      const label = (ROWS[i]!.label === 1) !== flipped ? 'R' : 'M';
      return encodeReadingJson({ id: `r${offset + k}`, features: ROWS[i]!.features, label, holdout: false, ts: undefined });
    });
    gatherReadings(learner.intake, batchOf(0, offset, values), 65_536, 0);
    learner.consumed(0, offset + values.length - 1);
    offset += values.length;
    for (const outcome of learner.drain(0)) if (outcome.kind === 'applied' && outcome.drift) alarms.push(outcome.drift.samples);
    accuracyAfter.set(epoch + 1, learner.progressiveAccuracy);
  }
  return { alarms, accuracyAfter, learner };
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const SGD: OptimizerConfig = { optimizer: 'sgd', alpha: 0.1 };
// The settings that relearn a flipped concept above 75 % within 20 epochs (README, "Drift on the stream").
const MOMENTUM: OptimizerConfig = { optimizer: 'momentum', alpha: 2, momentum: 0.9, schedule: 'inverse-sqrt' };

describe('drift detection on the progressive loss (Page–Hinkley, λ = 5, batches of 32)', () => {
  it.each([
    ['sgd, α = 0.1', SGD],
    ['momentum, α = 2/√t', MOMENTUM],
  ])('raises no alarm in 100 stationary epochs of the data set, over 10 seeds (%s)', (name, optimizer) => {
    const falseAlarms = SEEDS.map((seed) => replay(seed, 100, undefined, optimizer).alarms.length);
    console.log(`[drift] false alarms in 100 epochs without change (${name}), seeds 1-10: ${falseAlarms.join(', ')}`);
    expect(falseAlarms.every((n) => n === 0)).toBe(true);
  });

  it('detects a label flip after 30 epochs within 2,000 readings, over 10 seeds, and not before it', () => {
    const flipAt = 30 * EPOCH;
    const runs = SEEDS.map((seed) => replay(seed, 40, flipAt, SGD));
    const delays = runs.map((r) => (r.alarms.find((a) => a >= flipAt) ?? Number.NaN) - flipAt);
    console.log(`[drift] label flip after 30 epochs: detected after ${delays.join(', ')} readings (seeds 1-10)`);
    expect(runs.every((r) => r.alarms.filter((a) => a < flipAt).length === 0)).toBe(true);
    expect(delays.every((d) => d >= 0 && d <= 2000)).toBe(true);
  });

  it('with reset-schedule, relearns flipped labels above 75 % progressive accuracy within 20 epochs, and faster than without', () => {
    const flipAt = 30 * EPOCH;
    const runs = SEEDS.map((seed) => {
      const reset = replay(seed, 50, flipAt, MOMENTUM, 'reset-schedule');
      const kept = replay(seed, 50, flipAt, MOMENTUM, 'none');
      return { reset: reset.accuracyAfter.get(50)!, kept: kept.accuracyAfter.get(50)!, steps: reset.learner.state.step, keptSteps: kept.learner.state.step };
    });
    const above = runs.filter((r) => r.reset > 0.75).length;
    console.log(
      `[drift] progressive accuracy 20 epochs after the flip (momentum, α = 2/√t), reset-schedule vs none: ${runs.map((r) => `${r.reset.toFixed(3)}/${r.kept.toFixed(3)}`).join(', ')}; above 75 % with the reset in ${above} of 10`,
    );
    for (const r of runs) {
      expect(r.reset).toBeGreaterThan(0.75);
      expect(r.reset).toBeGreaterThan(r.kept + 0.05);
      // The schedule started over at the alarm: fewer steps counted than batches learnt.
      expect(r.steps).toBeLessThan(r.keptSteps);
    }
  });
});
