import { sumDefined } from '@sonar/runtime';
import { alignToRounds } from './align.ts';
import { parseLe, quantile, type Bucket } from './histogram.ts';
import { APPLIED_BY_WORKER_PREFIX, LATENCY_BUCKET_PREFIX, seriesKey, STALENESS_BUCKET_PREFIX, type Target, type TargetKind } from './record.ts';
import type { WatchState } from './state.ts';

export interface ServiceRow {
  /** The name shown: the service ("applier" for parallel mode's trainer), or "worker :9103". */
  service: string;
  kind: TargetKind;
  up: boolean;
  error?: string;
  readingsPerSecond?: number;
  version?: number;
  rejected?: number;
  lag?: number;
  /** A gradient worker's seconds spent waiting for a fresher model, per second. */
  waiting?: number;
}

/** Parallel mode at a glance: the applier's gradients and staleness, the workers' transactions. */
export interface ParallelView {
  /** Gradients applied per second, in total and by worker id (TRAINER_WORKER_ID). */
  gradientsPerSecond?: number;
  byWorker: { worker: string; perSecond?: number }[];
  /** Gradients of readings applied already, skipped since the applier started. */
  repeats?: number;
  /** Versions between a gradient's model and the applier's, over the window; the quantiles in whole versions. */
  staleness: { mean?: number; p50?: number; p99?: number };
  /** The workers' Kafka transactions: committed per second, and aborted since they started. */
  transactionsPerSecond?: number;
  aborted?: number;
}

/** Model lifecycle: drifts detected since the services started, and the scorer's shadow comparison when it has one. */
export interface LifecycleView {
  drifts: { trainer?: number; scorer?: number };
  shadow?: { version?: number; serving?: number; shadow?: number; agreement?: number };
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
  /** In the order readings flow: ingest, the gradient workers, the trainer, the scorer. */
  services: ServiceRow[];
  deadLetters?: number;
  latency: { p50?: number; p99?: number };
  /** Present once a gradient worker answered or the trainer applied gradients. */
  parallel?: ParallelView;
  lifecycle: LifecycleView;
  cost: Chart;
  accuracy: Chart;
}

const FLOW: readonly TargetKind[] = ['ingest', 'worker', 'trainer', 'scorer'];

/** Reduces the state to the numbers of one frame; rates and quantiles over the last `windowMs`. */
export function dashboardView(state: WatchState, windowMs: number, now: Date): DashboardView {
  // A worker is shown once it answered: the default worker ports have none in exact mode.
  const shown = state.targets.filter((t) => t.kind !== 'worker' || state.seen.has(t.name));
  const isParallel = shown.some((t) => t.kind === 'worker') || state.store.keysStartingWith(APPLIED_BY_WORKER_PREFIX).length > 0;
  const services = shown
    .map((target) => serviceRow(state, target, windowMs, isParallel))
    .sort((a, b) => FLOW.indexOf(a.kind) - FLOW.indexOf(b.kind));
  const of = (kind: TargetKind) => services.filter((row) => row.kind === kind);
  const version = (kind: TargetKind) => of(kind).find((row) => row.version !== undefined)?.version;
  return {
    now,
    version: version('scorer') ?? version('trainer'),
    windowSeconds: windowMs / 1000,
    services,
    deadLetters: sumDefined(services.filter((row) => row.kind !== 'ingest').map((row) => row.rejected)),
    latency: state.status.get('scorer')?.up ? quantiles(state, LATENCY_BUCKET_PREFIX, windowMs) : {},
    parallel: isParallel ? parallelView(state, of('worker'), windowMs) : undefined,
    lifecycle: lifecycleView(state),
    cost: chart(state, [['sonar_trainer_cost', seriesKey('trainer', 'cost')]]),
    accuracy: chart(state, [
      ['trainer progressive', seriesKey('trainer', 'accuracy')],
      ['scorer holdout', seriesKey('scorer', 'holdoutAccuracy')],
    ]),
  };
}

function serviceRow(state: WatchState, target: Target, windowMs: number, isParallel: boolean): ServiceRow {
  const service = target.kind === 'trainer' && isParallel ? 'applier' : target.name;
  const status = state.status.get(target.name)!;
  if (!status.up) return { service, kind: target.kind, up: false, error: status.error };
  const key = (name: string) => seriesKey(target.name, name);
  return {
    service,
    kind: target.kind,
    up: true,
    readingsPerSecond: rate(state, key('readings'), windowMs),
    version: state.current(key('version')),
    rejected: state.current(key('rejected')),
    lag: state.current(key('lag')),
    ...(target.kind === 'worker' ? { waiting: rate(state, key('waitSeconds'), windowMs) } : {}),
  };
}

function parallelView(state: WatchState, workers: readonly ServiceRow[], windowMs: number): ParallelView {
  const applier = (name: string) => seriesKey('trainer', name);
  const up = state.status.get('trainer')?.up ?? false;
  const byWorker = state.store
    .keysStartingWith(APPLIED_BY_WORKER_PREFIX)
    .map((key) => ({ worker: key.slice(APPLIED_BY_WORKER_PREFIX.length), perSecond: rate(state, key, windowMs) }))
    .sort((a, b) => a.worker.localeCompare(b.worker, 'en', { numeric: true }));
  const grown = (name: string) => (state.current(applier(name)) === undefined ? undefined : state.store.increase(applier(name), windowMs)?.increase);
  const [sum, count] = [grown('staleness.sum'), grown('staleness.count')];
  const whole = (q: number | undefined) => (q === undefined ? undefined : Math.ceil(q - 1e-9));
  const staleness = up ? quantiles(state, STALENESS_BUCKET_PREFIX, windowMs) : {};
  // A worker row carries its target's name.
  const upWorkers = workers.filter((row) => row.up).map((row) => (name: string) => seriesKey(row.service, name));
  return {
    gradientsPerSecond: rate(state, applier('gradients'), windowMs),
    byWorker,
    repeats: state.current(applier('repeats')),
    staleness: {
      mean: sum !== undefined && count ? sum / count : undefined,
      p50: whole(staleness.p50),
      p99: whole(staleness.p99),
    },
    transactionsPerSecond: sumDefined(upWorkers.map((key) => rate(state, key('committed'), windowMs))),
    aborted: sumDefined(upWorkers.map((key) => state.current(key('aborted')))),
  };
}

function lifecycleView(state: WatchState): LifecycleView {
  const scorer = (name: string) => state.current(seriesKey('scorer', name));
  const shadow = { version: scorer('shadow.version'), serving: scorer('shadow.serving'), shadow: scorer('shadow.shadow'), agreement: scorer('shadow.agreement') };
  return {
    drifts: { trainer: state.current(seriesKey('trainer', 'drifts')), scorer: scorer('drifts') },
    ...(shadow.agreement !== undefined ? { shadow } : {}),
  };
}

/** Per-second rate of a counter over the window, when the last round had it. */
function rate(state: WatchState, key: string, windowMs: number): number | undefined {
  return state.current(key) === undefined ? undefined : state.store.rate(key, windowMs);
}

/** p50 and p99 of the observations in the window (the growth of each bucket), not since the service started. */
function quantiles(state: WatchState, prefix: string, windowMs: number): { p50?: number; p99?: number } {
  const buckets: Bucket[] = [];
  for (const key of state.store.keysStartingWith(prefix)) {
    const le = parseLe(key.slice(prefix.length));
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
