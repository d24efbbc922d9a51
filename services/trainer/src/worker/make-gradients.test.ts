import { describe, expect, it } from 'vitest';
import { THETA_LENGTH } from '@sonar/contracts';
import { batchPass } from '@sonar/model';
import { gatherReadings } from '../learner/gather-readings.ts';
import { Intake } from '../learner/intake.ts';
import { batchOf, readingValue } from '../core/fixtures.test-support.ts';
import { dueBatchSize, makeGradients, type GradientSettings } from './make-gradients.ts';

const SETTINGS: GradientSettings = { model: 'm', worker: 'w1', batchSize: 2, maxWaitMs: 0 };

function intakeWith(count: number, from = 10, now = 1000): Intake {
  const intake = new Intake(2, 0, new Map([[3, from]]));
  gatherReadings(intake, batchOf(3, from, Array.from({ length: count }, (_, i) => readingValue(i))), 65_536, now);
  return intake;
}

describe('makeGradients (a worker of parallel mode)', () => {
  it('sends one gradient record per full mini-batch: the sums at the held model, its version and the readings it covers', () => {
    const intake = intakeWith(5);
    const theta = Float64Array.from({ length: THETA_LENGTH }, (_, j) => (j % 5) / 10);
    const expectedBatch = intake.peek(2);
    const probabilities = new Float64Array(2);
    const mean = new Float64Array(THETA_LENGTH);
    const cost = batchPass(theta, expectedBatch, 0, probabilities, mean);

    const made = makeGradients(intake, 3, { version: 7, theta }, SETTINGS, 1000, 10);
    expect(made.records).toHaveLength(2);
    const [first, second] = made.records;
    expect(first).toMatchObject({ model: 'm', worker: 'w1', n: 2, modelVersion: 7, partition: 3, fromOffset: 10, toOffset: 11 });
    expect(second).toMatchObject({ fromOffset: 12, toOffset: 13 });
    expect(first!.costSum).toBeCloseTo(cost * 2, 12);
    for (let j = 0; j < THETA_LENGTH; j++) expect(first!.gradientSum[j]).toBeCloseTo(mean[j]! * 2, 12);
    expect(first!.hits).toBe(Array.from(probabilities).filter((p, i) => (p >= 0.5 ? 1 : 0) === expectedBatch.y[i]).length);
    // The fifth reading waits for a full batch.
    expect(intake.buffered).toBe(1);
    expect(dueBatchSize(intake, SETTINGS, 1000)).toBe(0);
  });

  it('sends no more than the room it is given; the rest waits in the intake', () => {
    const intake = intakeWith(6);
    const made = makeGradients(intake, 3, { version: 0, theta: new Float64Array(THETA_LENGTH) }, SETTINGS, 1000, 1);
    expect(made.records).toHaveLength(1);
    expect(intake.buffered).toBe(4);
  });

  it('sends a partial mini-batch once its oldest reading waited the max wait', () => {
    const settings = { ...SETTINGS, batchSize: 4, maxWaitMs: 300 };
    const intake = new Intake(4, 0, new Map([[3, 0]]));
    gatherReadings(intake, batchOf(3, 0, [readingValue(0), readingValue(1)]), 65_536, 1000);
    expect(dueBatchSize(intake, settings, 1200)).toBe(0);
    expect(dueBatchSize(intake, settings, 1300)).toBe(2);
    const made = makeGradients(intake, 3, { version: 0, theta: new Float64Array(THETA_LENGTH) }, settings, 1300, 10);
    expect(made.records.map((r) => [r.n, r.fromOffset, r.toOffset])).toEqual([[2, 0, 1]]);
  });

  it('never sends a gradient that is not finite: the health gate counts its readings instead', () => {
    const intake = intakeWith(2);
    const theta = new Float64Array(THETA_LENGTH).fill(Number.MAX_VALUE);
    const made = makeGradients(intake, 3, { version: 1, theta }, SETTINGS, 1000, 10);
    expect(made.records).toHaveLength(0);
    expect(made.gated).toBe(2);
    expect(intake.buffered).toBe(0);
  });
});
