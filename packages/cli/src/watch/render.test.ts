import { describe, expect, it } from 'vitest';
import { renderFrame, type RenderOptions } from './render.ts';
import type { DashboardView } from './view.ts';

const PLAIN: RenderOptions = { color: false, width: 80, chartHeight: 6 };

function view(overrides: Partial<DashboardView> = {}): DashboardView {
  return {
    now: new Date(2030, 0, 1, 9, 5, 7),
    version: 42,
    windowSeconds: 5,
    services: [
      { service: 'ingest', up: true, readingsPerSecond: 0, rejected: 0 },
      { service: 'trainer', up: true, readingsPerSecond: 512.4, version: 42, rejected: 1, lag: 12 },
      { service: 'scorer', up: true, readingsPerSecond: 498.6, version: 42, rejected: 2, lag: 0 },
    ],
    deadLetters: 3,
    latency: { p50: 0.0042, p99: 0.031 },
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

const rowOf = (frame: string, service: string) => frame.split('\n').find((line) => line.startsWith(`${service} `))!;

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
          { service: 'ingest', up: false, error: 'connection refused' },
          { service: 'trainer', up: true },
          { service: 'scorer', up: true, readingsPerSecond: Number.NaN },
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
    expect(lines).toHaveLength(13 + 2 * (PLAIN.chartHeight + 1));
  });

  it('uses no escape sequences in plain text, and colors on a terminal', () => {
    expect(renderFrame(view(), PLAIN)).not.toContain('\x1b');
    expect(renderFrame(view(), { ...PLAIN, color: true })).toContain('\x1b[32m');
  });
});
