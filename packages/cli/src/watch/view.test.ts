import { describe, expect, it } from 'vitest';
import { parseMetrics, type Scrape } from '@sonar/runtime';
import { WatchState } from './state.ts';
import { dashboardView } from './view.ts';

const up = (text: string): Scrape => ({ up: true, samples: parseMetrics(text) });
const down: Scrape = { up: false, error: 'connection refused' };

const trainer = (readings: number, version: number, batches = 10) => `
sonar_trainer_readings_total{kind="trained",service="trainer"} ${readings * 0.8}
sonar_trainer_readings_total{kind="holdout",service="trainer"} ${readings * 0.2}
sonar_trainer_batches_total{service="trainer"} ${batches}
sonar_trainer_cost{service="trainer"} 0.41
sonar_trainer_accuracy{service="trainer"} 0.87
sonar_trainer_model_version{service="trainer"} ${version}
sonar_trainer_rejected_total{reason="invalid_json",service="trainer"} 2
sonar_consumer_lag{group="g",partition="0",service="trainer"} 3
sonar_consumer_lag{group="g",partition="1",service="trainer"} 4`;

const scorer = (readings: number, version: number, fast: number, slow: number) => `
sonar_scorer_readings_total{label="R",service="scorer"} ${readings}
sonar_scorer_model_version{service="scorer"} ${version}
sonar_scorer_accuracy{split="holdout",service="scorer"} 0.81
sonar_scorer_rejected_total{reason="empty",service="scorer"} 1
sonar_scorer_latency_seconds_bucket{le="0.01",service="scorer"} ${fast}
sonar_scorer_latency_seconds_bucket{le="0.1",service="scorer"} ${fast + slow}
sonar_scorer_latency_seconds_bucket{le="+Inf",service="scorer"} ${fast + slow}`;

const ingest = (readings: number) => `sonar_ingest_readings_total{service="ingest"} ${readings}`;

const NOW = new Date(2030, 0, 1, 12, 0, 0);

describe('dashboardView', () => {
  it('rates readings per service from two rounds, and prefers the scorer model version', () => {
    const state = new WatchState(10);
    state.addRound(0, { ingest: up(ingest(0)), trainer: up(trainer(1000, 4)), scorer: up(scorer(500, 3, 100, 0)) });
    state.addRound(2000, { ingest: up(ingest(100)), trainer: up(trainer(1600, 5)), scorer: up(scorer(1500, 4, 100, 0)) });
    const view = dashboardView(state, 5000, NOW);
    const row = (name: string) => view.services.find((s) => s.service === name)!;
    expect(row('ingest').readingsPerSecond).toBeCloseTo(50);
    expect(row('trainer').readingsPerSecond).toBeCloseTo(300);
    expect(row('scorer').readingsPerSecond).toBeCloseTo(500);
    expect(view.version).toBe(4);
    expect(row('trainer')).toMatchObject({ version: 5, rejected: 2, lag: 7 });
    expect(view.deadLetters).toBe(3);
  });

  it('takes latency quantiles from the bucket growth in the window, not the totals', () => {
    const state = new WatchState(10);
    // 1000 fast readings before the window; within it, only slow ones.
    state.addRound(0, { ingest: down, trainer: down, scorer: up(scorer(0, 1, 1000, 0)) });
    state.addRound(1000, { ingest: down, trainer: down, scorer: up(scorer(0, 1, 1000, 100)) });
    const { latency } = dashboardView(state, 5000, NOW);
    expect(latency.p50).toBeCloseTo(0.055);
    expect(latency.p99).toBeCloseTo(0.0991);
  });

  it('leaves out what it does not know: a service that is down, rates after one scrape, a version 0', () => {
    const state = new WatchState(10);
    state.addRound(0, { ingest: down, trainer: up(trainer(10, 0, 0)), scorer: down });
    const view = dashboardView(state, 5000, NOW);
    const row = (name: string) => view.services.find((s) => s.service === name)!;
    expect(row('ingest')).toEqual({ service: 'ingest', up: false, error: 'connection refused' });
    expect(row('trainer').readingsPerSecond).toBeUndefined();
    expect(row('trainer').version).toBeUndefined();
    expect(view.version).toBeUndefined();
    expect(view.latency).toEqual({});
    // Before the first batch the cost gauge reads 0: not a point of the curve.
    expect(view.cost.lines[0]!.values).toEqual([]);
  });

  it('shows no stale numbers for a service that went down', () => {
    const state = new WatchState(10);
    state.addRound(0, { ingest: down, trainer: up(trainer(0, 2)), scorer: down });
    state.addRound(1000, { ingest: down, trainer: up(trainer(100, 2)), scorer: down });
    state.addRound(2000, { ingest: down, trainer: down, scorer: down });
    const view = dashboardView(state, 5000, NOW);
    const row = view.services.find((s) => s.service === 'trainer')!;
    expect(row.up).toBe(false);
    expect(row.readingsPerSecond).toBeUndefined();
    expect(row.version).toBeUndefined();
    expect(view.version).toBeUndefined();
    // The charts keep the history they have.
    expect(view.cost.lines[0]!.values).toEqual([0.41, 0.41, 0.41]);
  });

  it('lines the accuracy curves up on the rounds both have', () => {
    const state = new WatchState(10);
    state.addRound(0, { ingest: down, trainer: up(trainer(0, 1)), scorer: down });
    state.addRound(1000, { ingest: down, trainer: up(trainer(10, 1)), scorer: up(scorer(0, 1, 0, 0)) });
    state.addRound(2000, { ingest: down, trainer: up(trainer(20, 1)), scorer: up(scorer(5, 1, 0, 0)) });
    const { accuracy } = dashboardView(state, 5000, NOW);
    expect(accuracy.times).toEqual([1000, 2000]);
    expect(accuracy.lines.map((l) => l.values)).toEqual([
      [0.87, 0.87],
      [0.81, 0.81],
    ]);
  });
});
