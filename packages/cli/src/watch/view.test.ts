import { describe, expect, it } from 'vitest';
import { parseMetrics, type Scrape } from '@sonar/runtime';
import { SERVICE_TARGETS } from './record.ts';
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

// Parallel mode: the trainer as the applier (gradients by worker id, the staleness histogram), and a gradient worker.
const applier = (readings: number, w1: number, w10: number, staleness: [zero: number, one: number, two: number], repeats = 0) => `
sonar_trainer_readings_total{kind="trained",service="trainer"} ${readings}
sonar_trainer_batches_total{service="trainer"} ${w1 + w10}
sonar_trainer_model_version{service="trainer"} ${10 + w1 + w10}
sonar_trainer_rejected_total{reason="invalid_gradient",service="trainer"} 0
sonar_trainer_gradients_total{worker="w10",outcome="applied",service="trainer"} ${w10}
sonar_trainer_gradients_total{worker="w1",outcome="applied",service="trainer"} ${w1}
sonar_trainer_gradients_total{worker="w1",outcome="gated",service="trainer"} 5
sonar_trainer_gradient_repeats_total{service="trainer"} ${repeats}
sonar_trainer_gradient_staleness_versions_bucket{le="0",service="trainer"} ${staleness[0]}
sonar_trainer_gradient_staleness_versions_bucket{le="1",service="trainer"} ${staleness[0] + staleness[1]}
sonar_trainer_gradient_staleness_versions_bucket{le="2",service="trainer"} ${staleness[0] + staleness[1] + staleness[2]}
sonar_trainer_gradient_staleness_versions_bucket{le="+Inf",service="trainer"} ${staleness[0] + staleness[1] + staleness[2]}
sonar_trainer_gradient_staleness_versions_sum{service="trainer"} ${staleness[1] + 2 * staleness[2]}
sonar_trainer_gradient_staleness_versions_count{service="trainer"} ${staleness[0] + staleness[1] + staleness[2]}`;

const worker = (readings: number, version: number, waitSeconds: number, committed: number, aborted = 0) => `
sonar_worker_readings_total{kind="sent",service="trainer-worker"} ${readings * 0.8}
sonar_worker_readings_total{kind="holdout",service="trainer-worker"} ${readings * 0.2}
sonar_worker_rejected_total{reason="invalid_json",service="trainer-worker"} 4
sonar_worker_model_version{service="trainer-worker"} ${version}
sonar_worker_wait_seconds_total{service="trainer-worker"} ${waitSeconds}
sonar_worker_transactions_total{outcome="committed",service="trainer-worker"} ${committed}
sonar_worker_transactions_total{outcome="aborted",service="trainer-worker"} ${aborted}
sonar_consumer_lag{group="sonar-workers-m",partition="0",service="trainer-worker"} 6`;

const WORKERS = [...SERVICE_TARGETS, { name: 'worker :9103', kind: 'worker' as const }, { name: 'worker :9104', kind: 'worker' as const }];

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
    expect(row('ingest')).toEqual({ service: 'ingest', kind: 'ingest', up: false, error: 'connection refused' });
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

  it('in parallel mode: the workers that answered between ingest and the applier, gradients by worker, staleness of the window', () => {
    const state = new WatchState(10, WORKERS);
    // Before the window: 100 gradients all 2 versions stale; within it (2 s), 40 at staleness 0, 40 at 1, 20 at 2.
    state.addRound(0, { ingest: up(ingest(0)), trainer: up(applier(1000, 30, 70, [0, 0, 100])), scorer: up(scorer(0, 9, 0, 0)), 'worker :9103': up(worker(500, 8, 1, 50)), 'worker :9104': down });
    state.addRound(2000, { ingest: up(ingest(0)), trainer: up(applier(2600, 50, 150, [40, 40, 120], 3)), scorer: up(scorer(0, 11, 0, 0)), 'worker :9103': up(worker(1300, 10, 1.5, 90, 2)), 'worker :9104': down });
    const view = dashboardView(state, 5000, NOW);
    // The worker that never answered is not listed; the trainer is the applier.
    expect(view.services.map((s) => s.service)).toEqual(['ingest', 'worker :9103', 'applier', 'scorer']);
    expect(view.services[1]).toEqual({ service: 'worker :9103', kind: 'worker', up: true, readingsPerSecond: 400, version: 10, rejected: 4, lag: 6, waiting: 0.25 });
    expect(view.services[2]).toMatchObject({ service: 'applier', kind: 'trainer', readingsPerSecond: 800, version: 210 });
    expect(view.deadLetters).toBe(4 + 0 + 1);
    const parallel = view.parallel!;
    expect(parallel.gradientsPerSecond).toBeCloseTo(50);
    // Sorted as people number them, gated gradients not counted.
    expect(parallel.byWorker).toEqual([
      { worker: 'w1', perSecond: 10 },
      { worker: 'w10', perSecond: 40 },
    ]);
    expect(parallel.repeats).toBe(3);
    // 40 at 0, 40 at 1, 20 at 2: mean 0.8; p50 falls in the bucket of 1, p99 in that of 2 (whole versions, not interpolated).
    expect(parallel.staleness.mean).toBeCloseTo(0.8);
    expect(parallel.staleness).toMatchObject({ p50: 1, p99: 2 });
    expect(parallel.transactionsPerSecond).toBeCloseTo(20);
    expect(parallel.aborted).toBe(2);
  });

  it('keeps a worker that stopped answering as down, with no numbers', () => {
    const state = new WatchState(10, WORKERS);
    state.addRound(0, { ingest: down, trainer: up(applier(0, 0, 0, [0, 0, 0])), scorer: down, 'worker :9103': up(worker(0, 1, 0, 0)), 'worker :9104': up(worker(0, 1, 0, 0)) });
    state.addRound(1000, { ingest: down, trainer: up(applier(10, 0, 0, [0, 0, 0])), scorer: down, 'worker :9103': up(worker(10, 1, 0, 1)), 'worker :9104': { up: false, error: 'connection refused' } });
    const view = dashboardView(state, 5000, NOW);
    const gone = view.services.find((s) => s.service === 'worker :9104')!;
    expect(gone).toEqual({ service: 'worker :9104', kind: 'worker', up: false, error: 'connection refused' });
    // No gradient in the window: no staleness to tell; the transactions are the one worker's still answering.
    expect(view.parallel!.staleness).toEqual({ mean: undefined, p50: undefined, p99: undefined });
    expect(view.parallel!.transactionsPerSecond).toBeCloseTo(1);
  });

  it('in exact mode shows no parallel section and no worker, though worker ports are watched', () => {
    const state = new WatchState(10, WORKERS);
    state.addRound(0, { ingest: down, trainer: up(trainer(0, 1)), scorer: down, 'worker :9103': down, 'worker :9104': down });
    state.addRound(1000, { ingest: down, trainer: up(trainer(10, 1)), scorer: down, 'worker :9103': down, 'worker :9104': down });
    const view = dashboardView(state, 5000, NOW);
    expect(view.services.map((s) => s.service)).toEqual(['ingest', 'trainer', 'scorer']);
    expect(view.parallel).toBeUndefined();
  });
});
