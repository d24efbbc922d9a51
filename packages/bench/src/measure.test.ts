import { describe, expect, it } from 'vitest';
import { medianRound } from './measure.ts';

const round = (trainer: number, noop: number) => ({ trainer, noop });
const ratio = (r: { trainer: number; noop: number }) => r.trainer / r.noop;

describe('medianRound', () => {
  it('picks the round whose ratio is the median, whatever the order the rounds ran in', () => {
    const rounds = [round(300, 250), round(200, 400), round(270, 300)];
    expect(medianRound(rounds, ratio)).toBe(rounds[2]);
    expect(medianRound([rounds[1]!, rounds[2]!, rounds[0]!], ratio)).toBe(rounds[2]);
  });

  it('keeps a round together: the median ratio is not the ratio of the median rates', () => {
    // Median trainer rate 300 and median no-op rate 300 would claim 1.00×; no round measured that.
    const rounds = [round(300, 200), round(200, 400), round(400, 300)];
    expect(ratio(medianRound(rounds, ratio))).toBeCloseTo(4 / 3);
  });

  it('takes the lower middle of an even count, and the only round of one', () => {
    const rounds = [round(90, 100), round(80, 100), round(100, 100), round(70, 100)];
    expect(medianRound(rounds, ratio)).toBe(rounds[1]);
    expect(medianRound([round(1, 2)], ratio)).toEqual(round(1, 2));
  });

  it('refuses no rounds', () => {
    expect(() => medianRound([], ratio)).toThrow(/no rounds/);
  });
});
