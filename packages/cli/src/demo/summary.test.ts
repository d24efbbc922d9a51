import { describe, expect, it } from 'vitest';
import { renderSummary, type DemoSummary } from './summary.ts';

function summary(overrides: Partial<DemoSummary> = {}): DemoSummary {
  return {
    mode: 'exact',
    readings: { sent: 8320, classified: 8320, malformed: 5 },
    model: { name: 'demo', version: 51, samples: 6640, cost: 0.3623, hyperparameters: { optimizer: 'adam' } },
    holdout: { rows: 42, liveModelAccuracy: 0.857, fitAccuracy: 0.786, streamAccuracy: 0.84 },
    readingsPerSecond: { ingest: 2000, trainer: 1500, scorer: 1900 },
    deadLetters: { total: 10, byReason: { invalid_json: 10 }, byService: { trainer: 5, scorer: 5 } },
    workers: [],
    partitions: 3,
    seconds: 21,
    ...overrides,
  };
}

const lineOf = (text: string, start: string) => text.split('\n').find((line) => line.trimStart().startsWith(start));

describe('renderSummary', () => {
  it('says exact mode trained with one trainer', () => {
    const text = renderSummary(summary(), []);
    expect(lineOf(text, 'mode')).toBe('  mode              exact: one trainer');
    expect(lineOf(text, 'throughput')).toMatch(/ingest 2,000 readings\/s, trainer 1,500 readings\/s, scorer/);
  });

  it('in parallel mode says how many workers on how many partitions, their staleness, and what each one sent and got applied', () => {
    const workers = [
      { id: 'w1', port: 9103, readingsSent: 2210, gradientsApplied: 139 },
      { id: 'w2', port: 9104, readingsSent: 1, gradientsApplied: 1 },
    ];
    const deadLetters = { total: 10, byReason: { invalid_json: 10 }, byService: { 'trainer-worker': 5, scorer: 5 } };
    const text = renderSummary(summary({ mode: 'parallel', workers, partitions: 6, meanStaleness: 0.8123, deadLetters }), []);
    expect(lineOf(text, 'mode')).toBe('  mode              parallel: an applier and 2 gradient workers on 6 partitions');
    expect(text).toContain("\n                    gradients 0.81 versions behind the applier's model on average\n");
    expect(text).toContain('\n                    w1 (:9103)  2,210 readings sent, 139 gradients applied\n');
    expect(text).toContain('\n                    w2 (:9104)  1 reading sent, 1 gradient applied\n');
    expect(lineOf(text, 'throughput')).toMatch(/ingest 2,000 readings\/s, workers 1,500 readings\/s, scorer/);
    expect(lineOf(text, 'dead letters')).toMatch(/^ {2}dead letters {6}10 \(5 by the gradient workers, 5 by the scorer: invalid_json ×10\)/);
  });
});
