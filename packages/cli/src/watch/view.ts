import { alignToRounds } from './align.ts';
import { parseLe, quantile, type Bucket } from './histogram.ts';
import { LATENCY_BUCKET_PREFIX, seriesKey, SERVICES, type Service } from './record.ts';
import type { WatchState } from './state.ts';

export interface ServiceRow {
  service: Service;
  up: boolean;
  error?: string;
  readingsPerSecond?: number;
  version?: number;
  rejected?: number;
  lag?: number;
}

export interface ChartLine {
  name: string;
  values: number[];
}

export interface Chart {
  /** Time of each column (monotonic milliseconds), shared by the lines. */
  times: number[];
  lines: ChartLine[];
}

/** The numbers on one frame, missing ones undefined: what render.ts draws. */
export interface DashboardView {
  now: Date;
  version?: number;
  windowSeconds: number;
  services: ServiceRow[];
  deadLetters?: number;
  latency: { p50?: number; p99?: number };
  cost: Chart;
  accuracy: Chart;
}

/** Reduces the state to the numbers of one frame; rates and quantiles over the last `windowMs`. */
export function dashboardView(state: WatchState, windowMs: number, now: Date): DashboardView {
  const services = SERVICES.map((service) => serviceRow(state, service, windowMs));
  const byName = Object.fromEntries(services.map((row) => [row.service, row])) as Record<Service, ServiceRow>;
  return {
    now,
    version: byName.scorer.version ?? byName.trainer.version,
    windowSeconds: windowMs / 1000,
    services,
    deadLetters: sumDefined([byName.trainer.rejected, byName.scorer.rejected]),
    latency: latency(state, windowMs),
    cost: chart(state, [['sonar_trainer_cost', seriesKey('trainer', 'cost')]]),
    accuracy: chart(state, [
      ['trainer progressive', seriesKey('trainer', 'accuracy')],
      ['scorer holdout', seriesKey('scorer', 'holdoutAccuracy')],
    ]),
  };
}

function serviceRow(state: WatchState, service: Service, windowMs: number): ServiceRow {
  const status = state.status.get(service)!;
  if (!status.up) return { service, up: false, error: status.error };
  const key = (name: string) => seriesKey(service, name);
  return {
    service,
    up: true,
    readingsPerSecond: state.current(key('readings')) === undefined ? undefined : state.store.rate(key('readings'), windowMs),
    version: state.current(key('version')),
    rejected: state.current(key('rejected')),
    lag: state.current(key('lag')),
  };
}

/** Scorer latency quantiles of the readings scored in the window, not since the scorer started. */
function latency(state: WatchState, windowMs: number): DashboardView['latency'] {
  if (!state.status.get('scorer')!.up) return {};
  const buckets: Bucket[] = [];
  for (const key of state.store.keysStartingWith(LATENCY_BUCKET_PREFIX)) {
    const le = parseLe(key.slice(LATENCY_BUCKET_PREFIX.length));
    const grown = state.current(key) === undefined ? undefined : state.store.increase(key, windowMs);
    if (le !== undefined && grown) buckets.push({ le, count: grown.increase });
  }
  return { p50: quantile(0.5, buckets), p99: quantile(0.99, buckets) };
}

function chart(state: WatchState, lines: [name: string, key: string][]): Chart {
  const { times, values } = alignToRounds(
    state.rounds,
    lines.map(([, key]) => state.store.points(key)),
  );
  return { times, lines: lines.map(([name], i) => ({ name, values: values[i]! })) };
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? known.reduce((a, b) => a + b, 0) : undefined;
}
