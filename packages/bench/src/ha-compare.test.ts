import { describe, expect, it } from 'vitest';
import { renderHaComparison, type DeploymentFigures } from './ha-compare.ts';
import type { Throughput } from './measure.ts';

const rate = (perSecond: number): Throughput => ({ count: 1000, seconds: perSecond > 0 ? 1000 / perSecond : Infinity, perSecond });
const rss = { peakBytes: 1, earlyBytes: 1, lateBytes: 1 };
const figures = (produce: number, trainer: number, noop: number, scorer: number, relay: number): DeploymentFigures => ({
  produce: rate(produce),
  trainer: { trainer: rate(trainer), trainerRss: rss, noop: rate(noop) },
  scorer: { scorer: rate(scorer), scorerRss: rss, relay: rate(relay) },
});

const table = (ha: DeploymentFigures) =>
  renderHaComparison({ date: '2026-12-02T00:00:00.000Z', readings: 50_000, singleNode: figures(20_000, 80_000, 300_000, 25_000, 30_000), ha: { ...ha, stackUpSeconds: 25 } });
const rowOf = (report: string, start: string) => report.split('\n').find((line) => line.startsWith(start))?.split(/\s{2,}/);

describe('the bench --ha table', () => {
  it('puts each figure on one broker beside the same on three, with HA over single', () => {
    const report = table(figures(5000, 72_000, 120_000, 15_000, 9000));
    expect(rowOf(report, 'produce')).toEqual(['produce (acks=all)', '20,000/s', '5,000/s', '0.25×']);
    expect(rowOf(report, 'trainer')).toEqual(['trainer, pre-filled topic', '80,000/s', '72,000/s', '0.90×']);
    expect(rowOf(report, 'no-op')?.slice(-1)).toEqual(['0.40×']);
    expect(rowOf(report, 'scorer')?.slice(-1)).toEqual(['0.60×']);
    expect(rowOf(report, 'kafkajs consume')?.slice(-1)).toEqual(['0.30×']);
    expect(report.split('\n')[0]).toContain('HA stack up in 25.0 s');
  });

  it('shows n/a for a ratio over a single-node figure of zero', () => {
    const report = renderHaComparison({ date: 'd', readings: 1, singleNode: figures(0, 1, 1, 1, 1), ha: { ...figures(1, 1, 1, 1, 1), stackUpSeconds: 1 } });
    expect(rowOf(report, 'produce')?.slice(-1)).toEqual(['n/a']);
  });
});
