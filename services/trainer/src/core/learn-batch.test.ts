import { describe, expect, it } from 'vitest';
import { Learner } from '../learner/learner.ts';
import { batchOf, readingValue, SETTINGS } from './fixtures.test-support.ts';
import { learnBatch } from './learn-batch.ts';
import { resumeFrom } from './resume.ts';
import { checkpointOf } from './fixtures.test-support.ts';

const withDedup = { ...SETTINGS, learner: { ...SETTINGS.learner, dedupWindow: 100 } };
const learner = (warmups = new Map<number, number>(), positions = new Map([[0, 0]])) => new Learner(withDedup.learner, undefined, positions, warmups);

describe('learnBatch and the dedup window', () => {
  it('does not train a reading whose id came again within the window (a client retry), and counts it', () => {
    const l = learner();
    const report = learnBatch(l, batchOf(0, 0, [readingValue(1), readingValue(2), readingValue(1), readingValue(3)]), 65_536, 0);
    expect(report.duplicates).toBe(1);
    expect(l.samples).toBe(2);
    expect(l.buffered).toBe(1);
  });

  it('rebuilds the window from the offsets before a resumed position: a retry across a restart is still one', () => {
    const resumed = learner(new Map([[0, 10]]), new Map([[0, 12]]));
    // Offsets 10 and 11 were learnt before the restart: their ids only fill the window, and their rejects are not dead-lettered again.
    const report = learnBatch(resumed, batchOf(0, 10, [readingValue(5), 'not a reading', readingValue(5), readingValue(6)]), 65_536, 0);
    expect(report.duplicates).toBe(1);
    expect(report.rejected).toEqual([]);
    expect(resumed.samples).toBe(0);
    expect(resumed.buffered).toBe(1);
    expect(resumed.intake.offsets()).toEqual({ '0': '13' });
  });

  it('a resume seeks the window back from the checkpointed offset, not before the earliest retained one', () => {
    const plan = resumeFrom(checkpointOf(3, { offsets: { '0': '400', '1': '30' } }), [0, 1], new Map([[0, 0], [1, 0]]), withDedup, 5);
    expect(plan.effects.filter((e) => e.kind === 'seek')).toEqual([
      // Generations of 100 offsets: the window at 400 holds 300-399 and 400 on.
      { kind: 'seek', partition: 0, offset: 300 },
      { kind: 'seek', partition: 1, offset: 0 },
    ]);
    expect(plan.learner.intake.offsets()).toEqual({ '0': '400', '1': '30' });
  });

  it('without a window (0) it seeks to the checkpointed offsets and trains every copy', () => {
    const plan = resumeFrom(checkpointOf(3, { offsets: { '0': '400', '1': '30' } }), [0, 1], new Map([[0, 0], [1, 0]]), SETTINGS, 5);
    expect(plan.effects.filter((e) => e.kind === 'seek').map((e) => (e as { offset: number }).offset)).toEqual([400, 30]);
    const l = new Learner(SETTINGS.learner, undefined, new Map([[0, 0]]));
    expect(learnBatch(l, batchOf(0, 0, [readingValue(1), readingValue(1)]), 65_536, 0).duplicates).toBe(0);
    expect(l.samples).toBe(2);
  });
});
