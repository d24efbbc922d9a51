import { describe, expect, it } from 'vitest';
import { encodeGradient, THETA_LENGTH, type GradientRecord } from '@sonar/contracts';
import { gradientStepInPlace, initialState } from '@sonar/model';
import { Learner } from '../learner/learner.ts';
import { applyGradients } from './apply-gradients.ts';
import { batchOf, SETTINGS } from './fixtures.test-support.ts';
import { startWrite } from './checkpoint.ts';

const sum = (scale: number) => Float64Array.from({ length: THETA_LENGTH }, (_, j) => scale * (j % 3 - 1));

function gradient(fields: Partial<GradientRecord> = {}): GradientRecord {
  return { model: 'm', worker: 'w1', n: 2, gradientSum: sum(0.2), costSum: 1.2, hits: 1, modelVersion: 0, partition: 0, fromOffset: 0, toOffset: 1, ...fields };
}

const applier = (sourceOffsets?: Record<string, string>) =>
  new Learner(
    SETTINGS.learner,
    sourceOffsets ? { version: 3, state: initialState(SETTINGS.learner.optimizer, THETA_LENGTH), cost: 0.6, samples: 0, batches: 0, sourceOffsets } : undefined,
    new Map([[0, 0]]),
  );

describe('applyGradients (the applier of parallel mode)', () => {
  it('applies each gradient as one optimizer step, in order, and counts its readings', () => {
    const learner = applier();
    const records = [gradient(), gradient({ fromOffset: 2, toOffset: 3, gradientSum: sum(-0.1), worker: 'w2' }), gradient({ partition: 4, fromOffset: 0, toOffset: 1 })];
    const report = applyGradients(learner, batchOf(0, 0, records.map(encodeGradient)), 'm', 65_536);

    const expected = initialState(SETTINGS.learner.optimizer, THETA_LENGTH);
    for (const r of records) gradientStepInPlace(expected, r.gradientSum, r.n, SETTINGS.learner.optimizer);
    expect(Array.from(learner.snapshot().state.theta)).toEqual(Array.from(expected.theta));
    expect(report.outcomes.map((o) => o.kind)).toEqual(['applied', 'applied', 'applied']);
    expect(report.outcomes.map((o) => o.worker)).toEqual(['w1', 'w2', 'w1']);
    expect(learner.samples).toBe(6);
    expect(report.position).toBe(3);
    // The checkpoint says which readings the model reflects: the offset after each partition's last applied reading.
    expect(learner.snapshot().sourceOffsets).toEqual({ '0': '4', '4': '2' });
  });

  it('skips a repeat of readings already applied (after a resume too) and applies what follows', () => {
    const learner = applier({ '0': '4' });
    const report = applyGradients(learner, batchOf(0, 10, [encodeGradient(gradient({ fromOffset: 2, toOffset: 3 })), encodeGradient(gradient({ fromOffset: 4, toOffset: 5 }))]), 'm', 65_536);
    expect(report.repeats).toBe(1);
    expect(report.outcomes.map((o) => o.kind)).toEqual(['applied']);
    expect(learner.samples).toBe(2);
    expect(learner.snapshot().sourceOffsets).toEqual({ '0': '6' });
  });

  it('dead-letters what is not a gradient of this model, and the health gate refuses a cost past its limit', () => {
    const learner = applier();
    const report = applyGradients(
      learner,
      batchOf(0, 0, [encodeGradient(gradient({ model: 'other' })), '{"not":"avro"}', null, encodeGradient(gradient({ costSum: 1e6 })), encodeGradient(gradient({ fromOffset: 2, toOffset: 3 }))]),
      'm',
      65_536,
    );
    expect(report.rejected.map((r) => r.reason)).toEqual(['invalid_gradient', 'invalid_avro', 'empty']);
    expect(report.outcomes.map((o) => o.kind)).toEqual(['gated', 'applied']);
    expect(learner.samples).toBe(2);
    expect(report.position).toBe(5);
    expect(Array.from(learner.snapshot().state.theta).every(Number.isFinite)).toBe(true);
  });

  it('records how many versions behind the gradient was computed', () => {
    const learner = applier({});
    const report = applyGradients(learner, batchOf(0, 0, [encodeGradient(gradient({ modelVersion: 1 })), encodeGradient(gradient({ modelVersion: 9, fromOffset: 2, toOffset: 3 }))]), 'm', 65_536);
    expect(report.outcomes.map((o) => o.staleness)).toEqual([2, 0]);
  });

  it('does not take a record twice when a fetched batch overlaps what was consumed', () => {
    const learner = applier();
    applyGradients(learner, batchOf(0, 0, [encodeGradient(gradient())]), 'm', 65_536);
    const again = applyGradients(learner, batchOf(0, 0, [encodeGradient(gradient()), encodeGradient(gradient({ fromOffset: 2, toOffset: 3 }))]), 'm', 65_536);
    expect(again.outcomes).toHaveLength(1);
    expect(again.repeats).toBe(0);
    expect(learner.samples).toBe(4);
  });

  it('writes the readings applied into the checkpoint, so that workers know what the model reflects', () => {
    const learner = applier();
    applyGradients(learner, batchOf(0, 0, [encodeGradient(gradient({ partition: 2, fromOffset: 30, toOffset: 31 }))]), 'm', 65_536);
    const { effect } = startWrite(learner, 1, { ...SETTINGS, mode: 'parallel' }, 5);
    expect(effect.kind === 'write-checkpoint' && effect.checkpoint.sourceOffsets).toEqual({ '2': '32' });
  });
});
