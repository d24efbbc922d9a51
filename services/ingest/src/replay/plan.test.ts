import { describe, expect, it } from 'vitest';
import { replayPlan, sonarSourceRows } from './plan.ts';

const rows = sonarSourceRows();
const plan = { epochs: 2, shuffle: true, seed: 7, holdout: 0.2, idPrefix: 'r' };

describe('replayPlan', () => {
  it('without a drift, is the same whatever the drift kind would have been', () => {
    expect([...replayPlan(rows, plan)]).toEqual([...replayPlan(rows, { ...plan, drift: undefined })]);
  });

  it('flips every label from the drift point on, and nothing before it', () => {
    const plain = [...replayPlan(rows, plan)];
    const flipped = [...replayPlan(rows, { ...plan, drift: { at: 300, kind: 'label-flip' } })];
    expect(flipped.slice(0, 300)).toEqual(plain.slice(0, 300));
    for (let i = 300; i < plain.length; i++) {
      expect(flipped[i]!.label).toBe(plain[i]!.label === 'R' ? 'M' : 'R');
      expect(flipped[i]!.features).toEqual(plain[i]!.features);
      expect(flipped[i]!.holdout).toBe(plain[i]!.holdout);
    }
  });

  it('shifts every feature up by 0.25, capped at 1, and keeps the labels', () => {
    const plain = [...replayPlan(rows, plan)];
    const shifted = [...replayPlan(rows, { ...plan, drift: { at: 10, kind: 'shift' } })];
    expect(shifted[9]).toEqual(plain[9]);
    const [before, after] = [plain[10]!, shifted[10]!];
    expect(after.label).toBe(before.label);
    expect(Array.from(after.features)).toEqual(Array.from(before.features, (x) => Math.min(1, x + 0.25)));
  });
});
