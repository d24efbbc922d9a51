import { describe, expect, it } from 'vitest';
import { designMatrix, gradientDescent, type OptimizerConfig } from '@sonar/model';
import { Learner, type LearnerSettings } from './learner.ts';

const sgd: OptimizerConfig = { optimizer: 'sgd', alpha: 0.5 };
const settings = (over: Partial<LearnerSettings> = {}): LearnerSettings => ({
  batchSize: 4,
  maxWaitMs: 0,
  optimizer: sgd,
  costLimit: 100,
  accuracyWindow: 10,
  dedupWindow: 0,
  ...over,
});

// A small separable problem: rock when the first feature is high.
interface TrainableReading {
  features: Float64Array;
  y: 0 | 1;
  partition: number;
  offset: number;
  arrivedAt: number;
}

/** As learnBatch hands a reading over: its features decoded into the next row, then kept. */
function add(learner: Learner, r: TrainableReading): void {
  const { matrix, at } = learner.intake.nextRow();
  matrix.set(r.features, at);
  learner.intake.keep(r.y, r.partition, r.offset, r.arrivedAt);
}

function reading(i: number, partition = 0): TrainableReading {
  const features = new Float64Array(60).fill(0.1);
  features[0] = (i * 37) % 10 / 10;
  return { features, y: features[0]! >= 0.5 ? 1 : 0, partition, offset: i, arrivedAt: 0 };
}

describe('Learner', () => {
  it('applies only full mini-batches and keeps the rest buffered', () => {
    const learner = new Learner(settings());
    for (let i = 0; i < 10; i++) add(learner, reading(i));
    const outcomes = learner.drain(0);
    expect(outcomes.map((o) => o.kind)).toEqual(['applied', 'applied']);
    expect(learner.samples).toBe(8);
    expect(learner.buffered).toBe(2);
  });

  it('checkpoints the offset of the first reading not yet applied, per partition', () => {
    const learner = new Learner(settings());
    for (let i = 0; i < 6; i++) {
      const r = reading(i, i % 2);
      learner.consumed(r.partition, r.offset);
      add(learner, r);
    }
    learner.consumed(1, 9); // a skipped record after the buffered ones
    learner.drain(0);
    // Readings 0..3 applied; 4 (partition 0) and 5 (partition 1) wait.
    expect(learner.intake.offsets()).toEqual({ '0': '4', '1': '5' });
  });

  it('moves past skipped records when nothing of the partition is buffered', () => {
    const learner = new Learner(settings(), undefined, new Map([[2, 100]]));
    learner.consumed(2, 100);
    learner.consumed(2, 101);
    expect(learner.intake.offsets()).toEqual({ '2': '102' });
  });

  it('with batch size n replays full-batch gradient descent exactly', () => {
    const rows = Array.from({ length: 12 }, (_, i) => reading(i));
    const learner = new Learner(settings({ batchSize: rows.length }));
    for (let epoch = 0; epoch < 30; epoch++) {
      for (const row of rows) add(learner, row);
      learner.drain(0);
    }
    const batch = designMatrix(rows.map((r) => r.features), rows.map((r) => r.y));
    const reference = gradientDescent(batch, { alpha: sgd.alpha, iterations: 30 });
    expect(Array.from(learner.state.theta)).toEqual(Array.from(reference.theta));
  });

  it('scores each batch before learning from it (progressive validation)', () => {
    const learner = new Learner(settings());
    for (let i = 0; i < 4; i++) add(learner, reading(i));
    const [first] = learner.drain(0);
    // theta = 0 gives p = 0.5 everywhere, predicted rock: right exactly for the rocks.
    const rocks = [0, 1, 2, 3].filter((i) => reading(i).y === 1).length;
    expect(first).toMatchObject({ kind: 'applied', cost: Math.LN2, accuracy: rocks / 4 });
  });

  it('refuses a batch whose cost passes the limit and leaves theta alone', () => {
    const learner = new Learner(settings({ costLimit: 0.5 }));
    for (let i = 0; i < 4; i++) add(learner, reading(i));
    const [outcome] = learner.drain(0);
    expect(outcome).toMatchObject({ kind: 'gated', reason: 'cost_limit' });
    expect(Array.from(learner.state.theta).every((t) => t === 0)).toBe(true);
    expect(learner.samples).toBe(0);
  });

  it('refuses a step that would make theta non-finite', () => {
    const learner = new Learner(settings({ optimizer: { optimizer: 'sgd', alpha: 1e308 } }));
    for (let i = 0; i < 4; i++) {
      const r = reading(i);
      r.features.fill(1e10);
      add(learner, r);
    }
    const [outcome] = learner.drain(0);
    expect(outcome).toMatchObject({ kind: 'gated', reason: 'non_finite' });
    expect(Array.from(learner.state.theta).every(Number.isFinite)).toBe(true);
  });

  it('knows when it holds something a checkpoint would keep, through a write under way', () => {
    const learner = new Learner(settings(), undefined, new Map([[0, 0]]));
    expect(learner.hasUnsaved).toBe(false);
    for (let i = 0; i < 4; i++) add(learner, reading(i));
    learner.consumed(0, 3);
    learner.drain(0);
    expect(learner.hasUnsaved).toBe(true);
    expect(learner.unsavedBatches).toBe(1);
    const snapshot = learner.snapshot();
    // Training goes on while the write is under way.
    for (let i = 4; i < 8; i++) add(learner, reading(i));
    learner.consumed(0, 7);
    learner.drain(0);
    learner.saved(snapshot);
    expect(learner.version).toBe(1);
    expect(learner.unsavedBatches).toBe(1);
    expect(learner.hasUnsaved).toBe(true);
    learner.saved(learner.snapshot());
    expect(learner.version).toBe(2);
    expect(learner.hasUnsaved).toBe(false);
  });

  it('a snapshot shares no memory with the learner', () => {
    const learner = new Learner(settings());
    const snapshot = learner.snapshot();
    for (let i = 0; i < 4; i++) add(learner, reading(i));
    learner.drain(0);
    expect(Array.from(snapshot.state.theta).every((t) => t === 0)).toBe(true);
    expect(snapshot.samples).toBe(0);
  });

  it('flushes a partial batch after the max wait, and only then', () => {
    const learner = new Learner(settings({ maxWaitMs: 1000 }));
    add(learner, { ...reading(0), arrivedAt: 5000 });
    expect(learner.drain(5999)).toEqual([]);
    expect(learner.drain(6000).map((o) => o.size)).toEqual([1]);
    expect(learner.buffered).toBe(0);
  });
});
