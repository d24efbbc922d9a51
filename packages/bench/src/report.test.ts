import { describe, expect, it } from 'vitest';
import type { RssTrace, Throughput } from './measure.ts';
import { renderReport, type BenchResults } from './report.ts';

const rate = (perSecond: number): Throughput => ({ count: 1000, seconds: 1000 / perSecond, perSecond });
const rss: RssTrace = { peakBytes: 200 * 2 ** 20, earlyBytes: 100, lateBytes: 100 };
const latency = { count: 100, p50Ms: 10, p99Ms: 50 };

function results(python: Throughput | undefined): BenchResults {
  return {
    date: '2026-12-01T00:00:00.000Z',
    mode: 'quick',
    machine: { cpus: 2, cpuModel: 'test', memoryGiB: 8, node: 'v20', kafka: '4.4.0' },
    readings: 1000,
    produce: { ours: rate(20_000), producerPerfTest: rate(40_000), messageBytes: 458 },
    trainer: { trainer: rate(50_000), trainerRss: rss, noop: rate(200_000), kcat: rate(100_000), python },
    scorer: { scorer: rate(30_000), scorerRss: rss, relay: rate(40_000) },
    avro: {
      produce: { ...rate(25_000), messageBytes: 508 },
      trainer: { trainer: rate(90_000), trainerRss: rss, noop: rate(180_000) },
      scorer: { scorer: rate(20_000), scorerRss: rss, relay: rate(25_000) },
    },
    latency: { scorer: latency, scorerRss: rss, relay: latency, propagation: latency, rate: 1000, seconds: 12 },
  };
}

const rowOf = (report: string, start: string) => report.split('\n').find((line) => line.includes(start))?.split(/\s{2,}/);

describe('the bench report', () => {
  it('prints each ratio beside its baseline, on JSON and on Avro', () => {
    const report = renderReport(results(rate(25_000)));
    expect(rowOf(report, 'trainer, pre-filled JSON topic (458 B)')).toEqual(['trainer, pre-filled JSON topic (458 B)', '50,000/s', 'no-op kafkajs consumer 200,000/s', '0.25×']);
    expect(rowOf(report, 'kcat -C')?.slice(-2)).toEqual(['kcat -C 100,000/s', '0.50×']);
    expect(rowOf(report, 'Python')?.slice(-2)).toEqual(['Python confluent-kafka + SGDClassifier 25,000/s', '2.00×']);
    expect(rowOf(report, 'trainer, pre-filled Avro topic (508 B)')?.slice(1)).toEqual(['90,000/s', 'no-op kafkajs consumer 180,000/s', '0.50×']);
    expect(rowOf(report, 'scorer, pre-filled JSON topic')?.slice(-1)).toEqual(['0.75×']);
    expect(rowOf(report, 'scorer, pre-filled Avro topic')?.slice(-1)).toEqual(['0.80×']);
  });

  it('prints the applier in gradients/s with the readings/s they imply, and parallel mode beside the exact trainer', () => {
    const report = renderReport({
      ...results(rate(25_000)),
      parallel: { applier: { ...rate(40_000), impliedReadingsPerSecond: 1_280_000 }, noop: rate(400_000), workers: [{ workers: 2, rate: rate(25_000) }] },
    });
    expect(rowOf(report, 'applier')?.slice(1)).toEqual(['40,000/s = 1,280,000 readings/s', 'no-op kafkajs consumer 400,000/s', '0.10×']);
    expect(rowOf(report, 'parallel mode, 2 workers')?.slice(1)).toEqual(['25,000/s', 'exact-mode trainer 50,000/s', '0.50×']);
    expect(rowOf(renderReport(results(rate(25_000))), 'applier')).toBeUndefined();
  });

  it('prints the no-op consumer with the lean record decoder under each trainer row, where the results have it', () => {
    const base = results(rate(25_000));
    const report = renderReport({
      ...base,
      trainer: { ...base.trainer, noopLean: rate(250_000) },
      avro: { ...base.avro, trainer: { ...base.avro.trainer, noopLean: rate(300_000) } },
    });
    const leanRows = report.split('\n').filter((line) => line.includes('lean record decoder')).map((line) => line.trim().split(/\s{2,}/));
    expect(leanRows).toEqual([
      ['no-op consumer, lean record decoder 250,000/s', '0.20×'],
      ['no-op consumer, lean record decoder 300,000/s', '0.30×'],
    ]);
    const lines = report.split('\n');
    expect(lines.findIndex((line) => line.includes('300,000/s'))).toBe(lines.findIndex((line) => line.startsWith('trainer, pre-filled Avro topic')) + 1);
    expect(renderReport(base)).not.toContain('lean record decoder');
  });

  it('prints every alternating round\'s ratio under its trainer row when there were several, and none for one round', () => {
    const base = results(rate(25_000));
    const rounds = [
      { trainer: 180_000, noop: 200_000, noopLean: 300_000 },
      { trainer: 50_000, noop: 200_000, noopLean: 300_000 },
      { trainer: 210_000, noop: 200_000, noopLean: 300_000 },
    ];
    const report = renderReport({ ...base, avro: { ...base.avro, trainer: { ...base.avro.trainer, rounds } } });
    const lines = report.split('\n');
    const at = lines.findIndex((line) => line.startsWith('trainer, pre-filled Avro topic'));
    expect(lines[at + 1]?.trim()).toBe('by round: 0.90×, 0.25×, 1.05×; median shown');
    expect(renderReport({ ...base, trainer: { ...base.trainer, rounds: rounds.slice(0, 1) } })).not.toContain('by round');
  });

  it('shows n/a for the Python baseline when it could not run', () => {
    expect(rowOf(renderReport(results(undefined)), 'Python')?.slice(-2)).toEqual(['Python confluent-kafka + SGDClassifier n/a', 'n/a']);
  });
});
