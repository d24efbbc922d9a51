import { describe, expect, it } from 'vitest';
import { renderSummary, type DemoSummary } from './summary.ts';
import type { ShadowComparison } from './shadow-summary.ts';

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

  it('with --shadow says both trainers ran, shows both sides of the comparison and the commands to go on with', () => {
    const shadow: ShadowComparison = {
      serving: { model: 'demo', optimizer: 'sgd', accuracy: 0.788, logLoss: 0.41849 },
      challenger: { model: 'demo-challenger', optimizer: 'adam', accuracy: 0.846, logLoss: 0.352, version: 97, samples: 16592, cost: 0.3364, heldOutAccuracy: 0.857, scoredVersion: 96 },
      agreement: 0.86,
      scored: 20800,
      nextSteps: ['pnpm sonar model compare demo demo-challenger', 'pnpm sonar model promote demo-challenger --to demo'],
    };
    const text = renderSummary(summary({ shadow }), []);
    expect(lineOf(text, 'mode')).toBe('  mode              exact: one trainer serving, a challenger trainer beside it on the same readings');
    expect(lineOf(text, 'shadow scoring')).toContain('(20,800 readings scored)');
    expect(lineOf(text, 'serving')?.trimStart()).toBe('serving     accuracy  78.8%  log-loss 0.4185  "demo" (sgd)');
    expect(lineOf(text, 'challenger  accuracy')?.trimStart()).toBe('challenger  accuracy  84.6%  log-loss 0.3520  "demo-challenger" (adam), version 96 scored last');
    expect(lineOf(text, 'agreement')?.trimStart()).toBe('agreement   86.0% of its recent readings got the same label from both');
    expect(lineOf(text, 'challenger        ')?.trimStart()).toBe('challenger        version 97, 16,592 samples, last batch cost 0.3364; 85.7% on the held-out rows');
    // The commands start their lines, so they copy whole.
    expect(text).toMatch(/\n {2}next steps {8}pnpm sonar model compare demo demo-challenger {3}\(/);
    expect(text).toContain('\n                    pnpm sonar model promote demo-challenger --to demo\n');
  });

  it('with --shadow and no live comparison from the scorer says n/a, not 0', () => {
    const shadow: ShadowComparison = {
      serving: { model: 'demo', optimizer: 'sgd' },
      challenger: { model: 'demo-challenger', optimizer: 'adam', version: 2, samples: 32, cost: 0.69, heldOutAccuracy: 0.5 },
      scored: 200,
      nextSteps: ['a', 'b'],
    };
    const text = renderSummary(summary({ shadow }), []);
    expect(lineOf(text, 'serving')?.trimStart()).toBe('serving     accuracy    n/a  log-loss n/a  "demo" (sgd)');
    expect(lineOf(text, 'agreement')?.trimStart()).toMatch(/^agreement {3}n\/a /);
  });
});
