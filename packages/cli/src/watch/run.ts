import { setTimeout as sleep } from 'node:timers/promises';
import { isLoopbackHost, metricsUrl, scrape, type Scrape } from '@sonar/runtime';
import { fixedRows, renderFrame } from './render.ts';
import { SERVICES, type Service, type Target } from './record.ts';
import { plainScreen, terminalScreen, type Screen } from './screen.ts';
import { WatchState } from './state.ts';
import { dashboardView, type DashboardView } from './view.ts';

export interface WatchOptions {
  /** Base URLs of the services (their /metrics is scraped). */
  urls: Readonly<Record<Service, string>>;
  /** Base URLs of parallel mode's gradient workers; each is shown once it answers. */
  workers: readonly string[];
  intervalMs: number;
  /** Frames to draw before returning; Infinity to run until `signal` aborts. */
  frames: number;
  /** Redraw in place with cursor movement (a terminal), or print frames one after another. */
  redraw: boolean;
  color: boolean;
  out: NodeJS.WriteStream;
  signal: AbortSignal;
}

/** Rounds of history kept: ten minutes at the default interval, more than a chart is wide. */
const HISTORY = 600;
/** Rates and latency quantiles span this many intervals: steadier than one, still live. */
const WINDOW_INTERVALS = 5;
const PLAIN_WIDTH = 80;

/**
 * Scrapes every service once, then every interval scrapes again and draws a
 * frame, so even the first frame has two scrapes to take rates from.
 */
export async function watch(options: WatchOptions): Promise<void> {
  const targets: (Target & { url: string })[] = [
    ...SERVICES.map((service) => ({ name: service, kind: service, url: metricsUrl(options.urls[service]) })),
    ...options.workers.map((url) => ({ name: workerName(url), kind: 'worker' as const, url: metricsUrl(url) })),
  ];
  const state = new WatchState(HISTORY, targets);
  // Below the interval, so that one service that hangs cannot stall the refresh.
  const timeoutMs = Math.min(5000, Math.max(200, Math.round(options.intervalMs * 0.8)));
  const screen: Screen = options.redraw ? terminalScreen(options.out) : plainScreen(options.out, PLAIN_WIDTH);
  try {
    if (options.redraw) screen.draw(`sonar watch — scraping ${targets.map((t) => t.url).join(', ')} …`);
    let next = performance.now();
    await scrapeRound(state, targets, timeoutMs, options.signal);
    for (let frame = 0; frame < options.frames && !options.signal.aborted; frame++) {
      next = Math.max(next + options.intervalMs, performance.now());
      if (!(await pause(next - performance.now(), options.signal))) break;
      await scrapeRound(state, targets, timeoutMs, options.signal);
      if (options.signal.aborted) break;
      const view = dashboardView(state, WINDOW_INTERVALS * options.intervalMs, new Date());
      screen.draw(renderFrame(view, { color: options.color, ...layout(options, view) }));
    }
  } finally {
    screen.close();
  }
}

/** "worker :9103" for a worker on this machine, "worker host:9103" for one elsewhere. */
export function workerName(url: string): string {
  const { hostname, host, port } = new URL(url);
  return `worker ${isLoopbackHost(hostname) && port ? `:${port}` : host}`;
}

async function scrapeRound(state: WatchState, targets: readonly (Target & { url: string })[], timeoutMs: number, signal: AbortSignal): Promise<void> {
  const at = performance.now();
  const scrapes = await Promise.all(targets.map((t) => scrape(t.url, timeoutMs, signal)));
  state.addRound(at, Object.fromEntries(targets.map((t, i) => [t.name, scrapes[i]!])) as Record<string, Scrape>);
}

/** Waits `ms`; false when aborted first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(Math.max(0, ms), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Charts as tall as the terminal allows, so a redrawn frame never scrolls. */
function layout(options: WatchOptions, view: DashboardView): { width: number; chartHeight: number } {
  if (!options.redraw) return { width: PLAIN_WIDTH, chartHeight: 8 };
  // Header, table, summary, chart titles and blank lines take fixedRows (13 in exact mode), each
  // chart its height + 1, and one row stays free for the cursor.
  const rows = options.out.rows ?? 40;
  const width = options.out.columns ?? PLAIN_WIDTH;
  return { width, chartHeight: Math.min(10, Math.max(3, Math.floor((rows - fixedRows(view, width) - 3) / 2))) };
}
