import { describe, expect, it } from 'vitest';
import { fixedRows, renderFrame, type RenderOptions } from './render.ts';
import type { DashboardView } from './view.ts';

const PLAIN: RenderOptions = { color: false, width: 80, chartHeight: 6 };

function view(overrides: Partial<DashboardView> = {}): DashboardView {
  return {
    now: new Date(2030, 0, 1, 9, 5, 7),
    version: 42,
    windowSeconds: 5,
    services: [
      { service: 'ingest', kind: 'ingest', up: true, readingsPerSecond: 0, rejected: 0 },
      { service: 'trainer', kind: 'trainer', up: true, readingsPerSecond: 512.4, version: 42, rejected: 1, lag: 12 },
      { service: 'scorer', kind: 'scorer', up: true, readingsPerSecond: 498.6, version: 42, rejected: 2, lag: 0 },
    ],
    deadLetters: 3,
    latency: { p50: 0.0042, p99: 0.031 },
    lifecycle: { drifts: { trainer: 0, scorer: 0 } },
    cost: { times: [0, 1000, 2000], lines: [{ name: 'sonar_trainer_cost', values: [0.69, 0.52, 0.41] }] },
    accuracy: {
      times: [0, 1000, 2000],
      lines: [
        { name: 'trainer progressive', values: [0.55, 0.7, 0.86] },
        { name: 'scorer holdout', values: [0.5, 0.66, 0.81] },
      ],
    },
    ...overrides,
  };
}

describe('the lifecycle lines', () => {
  it('count the drifts detected, and show the shadow comparison only with a shadow model', () => {
    const plain = renderFrame(view(), PLAIN);
    expect(plain).toContain('drifts detected: trainer 0 (progressive loss), scorer 0 (holdout accuracy)');
    expect(plain).not.toContain('shadow model');
    const shadowed = renderFrame(view({ lifecycle: { drifts: { trainer: 1, scorer: 2 }, shadow: { version: 9, serving: 0.75, shadow: 0.8, agreement: 0.85 } } }), PLAIN);
    expect(shadowed).toContain('drifts detected: trainer 1 (progressive loss), scorer 2 (holdout accuracy)');
    expect(shadowed).toContain('shadow model (version 9): holdout accuracy 80.0% vs serving 75.0%, agreement 85.0%');
  });
});

const rowOf = (frame: string, service: string) => frame.split('\n').find((line) => line.startsWith(`${service} `))!;

/** Parallel mode: two gradient workers (one down), the trainer as their applier. */
function parallelView(overrides: Partial<DashboardView['parallel']> = {}): DashboardView {
  return view({
    services: [
      { service: 'ingest', kind: 'ingest', up: true, readingsPerSecond: 0, rejected: 0 },
      { service: 'worker :9103', kind: 'worker', up: true, readingsPerSecond: 1204.6, version: 41, rejected: 3, lag: 4, waiting: 0.082 },
      { service: 'worker :9104', kind: 'worker', up: false, error: 'connection refused' },
      { service: 'applier', kind: 'trainer', up: true, readingsPerSecond: 963.7, version: 42, rejected: 0, lag: 1 },
      { service: 'scorer', kind: 'scorer', up: true, readingsPerSecond: 1201, version: 42, rejected: 2, lag: 0 },
    ],
    parallel: {
      gradientsPerSecond: 60.2,
      byWorker: [
        { worker: 'w1', perSecond: 30.1 },
        { worker: 'w2', perSecond: 30.1 },
      ],
      repeats: 0,
      staleness: { mean: 1.24, p50: 1, p99: 3 },
      transactionsPerSecond: 59.8,
      aborted: 1,
      ...overrides,
    },
  });
}

describe('renderFrame', () => {
  it('heads the frame with the time and the model version', () => {
    expect(renderFrame(view(), PLAIN).split('\n')[0]).toBe('sonar watch — 09:05:07 — model version 42');
    expect(renderFrame(view({ version: undefined }), PLAIN).split('\n')[0]).toMatch(/model version none$/);
  });

  it('shows readings/s, model, dead letters and lag per service', () => {
    const frame = renderFrame(view(), PLAIN);
    expect(rowOf(frame, 'trainer').split(/\s+/)).toEqual(['trainer', 'up', '512', '42', '1', '12']);
    expect(rowOf(frame, 'scorer').split(/\s+/)).toEqual(['scorer', 'up', '499', '42', '2', '0']);
    expect(rowOf(frame, 'ingest').split(/\s+/)).toEqual(['ingest', 'up', '0.0', '-', '0', '-']);
    expect(frame).toContain('dead letters 3 (trainer + scorer)');
    expect(frame).toContain('scorer latency p50 4.2 ms, p99 31 ms');
  });

  it('draws both charts with the latest values in their legends', () => {
    const frame = renderFrame(view(), PLAIN);
    expect(frame).toContain('cost, last 2 s: ── sonar_trainer_cost 0.4100');
    expect(frame).toContain('── trainer progressive 86.0%   ·· scorer holdout 81.0%');
    expect(frame).toContain('┤');
  });

  it('shows n/a, never NaN, for what is missing, and why a service is down', () => {
    const frame = renderFrame(
      view({
        version: undefined,
        services: [
          { service: 'ingest', kind: 'ingest', up: false, error: 'connection refused' },
          { service: 'trainer', kind: 'trainer', up: true },
          { service: 'scorer', kind: 'scorer', up: true, readingsPerSecond: Number.NaN },
        ],
        deadLetters: undefined,
        latency: {},
        cost: { times: [], lines: [{ name: 'sonar_trainer_cost', values: [] }] },
        accuracy: { times: [0], lines: [{ name: 'trainer progressive', values: [0.5] }, { name: 'scorer holdout', values: [] }] },
      }),
      PLAIN,
    );
    expect(frame).not.toMatch(/NaN|undefined|Infinity/);
    expect(rowOf(frame, 'ingest')).toMatch(/^ingest\s+down\s+n\/a\s+-\s+n\/a\s+-\s+connection refused$/);
    expect(rowOf(frame, 'scorer').split(/\s+/)).toEqual(['scorer', 'up', 'n/a', 'n/a', 'n/a', 'n/a']);
    expect(frame).toContain('dead letters n/a');
    expect(frame).toContain('scorer holdout n/a');
    expect(frame).toContain('(waiting for data)');
  });

  it('fits 80 columns', () => {
    const lines = renderFrame(view(), PLAIN).split('\n');
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(80);
    expect(lines).toHaveLength(14 + 2 * (PLAIN.chartHeight + 1));
  });

  it('uses no escape sequences in plain text, and colors on a terminal', () => {
    expect(renderFrame(view(), PLAIN)).not.toContain('\x1b');
    expect(renderFrame(view(), { ...PLAIN, color: true })).toContain('\x1b[32m');
  });

  it('in parallel mode: a row per worker with its share of time waiting, then gradients, staleness and transactions', () => {
    const frame = renderFrame(parallelView(), PLAIN);
    const lines = frame.split('\n');
    expect(lines[2]!.split(/\s+/)).toEqual(['service', 'state', 'readings/s', 'model', 'rejected', 'lag', 'waiting']);
    expect(rowOf(frame, 'worker :9103').split(/\s+/)).toEqual(['worker', ':9103', 'up', '1205', '41', '3', '4', '8.2%']);
    // Why it is down takes what is left of 80 columns.
    expect(rowOf(frame, 'worker :9104')).toMatch(/^worker :9104\s+down(\s+n\/a){5}\s+connection refu…$/);
    expect([...rowOf(frame, 'worker :9104')]).toHaveLength(80);
    // Only workers wait for a model.
    expect(rowOf(frame, 'applier').split(/\s+/)).toEqual(['applier', 'up', '964', '42', '0', '1', '-']);
    expect(rowOf(frame, 'ingest').split(/\s+/)).toEqual(['ingest', 'up', '0.0', '-', '0', '-', '-']);
    // In the order readings flow.
    expect(lines.slice(3, 8).map((line) => line.split(/\s{2,}/)[0])).toEqual(['ingest', 'worker :9103', 'worker :9104', 'applier', 'scorer']);
    expect(frame).toContain('dead letters 3 (workers + applier + scorer)');
    expect(frame).toContain('gradients 60.2/s applied (w1 30.1, w2 30.1), 0 repeats skipped');
    expect(frame).toContain('staleness p50 1, p99 3, mean 1.2 versions; transactions 59.8/s, 1 aborted');
    expect(frame).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('in parallel mode: fits 80 columns, leaving out the workers that do not fit, and says how many rows the text takes', () => {
    const byWorker = Array.from({ length: 12 }, (_, i) => ({ worker: `worker-${i + 1}`, perSecond: 5 }));
    const frame = renderFrame(parallelView({ byWorker }), PLAIN);
    const lines = frame.split('\n');
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(80);
    expect(frame).toMatch(/^gradients 60\.2\/s applied \(worker-1 5\.0, .*, …\), 0 repeats skipped$/m);
    // 14 as in exact mode (the drift line among them), two more workers and two lines of parallel mode.
    expect(fixedRows(parallelView(), 80)).toBe(14 + 2 + 2);
    expect(lines).toHaveLength(fixedRows(parallelView(), 80) + 2 * (PLAIN.chartHeight + 1));
    expect(fixedRows(view(), 80)).toBe(14);
  });

  it('in parallel mode shows n/a for what is missing: the applier down, no gradient in the window', () => {
    const frame = renderFrame(parallelView({ gradientsPerSecond: undefined, byWorker: [], repeats: undefined, staleness: {}, transactionsPerSecond: undefined, aborted: undefined }), PLAIN);
    expect(frame).toContain('gradients n/a/s applied, n/a repeats skipped');
    expect(frame).toContain('staleness p50 n/a, p99 n/a, mean n/a versions; transactions n/a/s, n/a aborted');
  });
});
