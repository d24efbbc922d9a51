import { METRICS } from '@sonar/contracts';
import { sumOf, type Sample } from '@sonar/runtime';
import type { SeriesStore } from './series.ts';

export const SERVICES = ['ingest', 'trainer', 'scorer'] as const;
export type Service = (typeof SERVICES)[number];
/** What a scraped /metrics belongs to: one of the services, or a gradient worker of parallel mode (any number). */
export type TargetKind = Service | 'worker';

export interface Target {
  /** Its name on the dashboard, unique: the service, or "worker :9103". */
  name: string;
  kind: TargetKind;
}

export const SERVICE_TARGETS: readonly Target[] = SERVICES.map((service) => ({ name: service, kind: service }));

interface Read {
  key: string;
  metric: string;
  labels?: Record<string, string>;
  /** Gauges read 0 before they are first set: this tells a real value from that. */
  keep?: (value: number, samples: readonly Sample[]) => boolean;
}

/** A metric kept as one series per value of a label: a histogram's buckets by `le`, the applier's gradients by worker. */
interface Split {
  key: string;
  metric: string;
  by: string;
  labels?: Record<string, string>;
}

const afterFirstBatch = (_: number, samples: readonly Sample[]) => (sumOf(samples, METRICS.trainerBatches) ?? 0) > 0;
// Versions start at 1; 0 is the gauge's initial value before any model.
const aVersion = (value: number) => value >= 1;

/** What the dashboard reads from each target's /metrics, summed over label sets. */
const READS: Record<TargetKind, Read[]> = {
  ingest: [
    { key: 'readings', metric: METRICS.ingestReadings },
    { key: 'rejected', metric: METRICS.ingestRejected },
  ],
  trainer: [
    { key: 'readings', metric: METRICS.trainerReadings },
    { key: 'rejected', metric: METRICS.trainerRejected },
    { key: 'version', metric: METRICS.trainerModelVersion, keep: aVersion },
    { key: 'cost', metric: METRICS.trainerCost, keep: afterFirstBatch },
    { key: 'accuracy', metric: METRICS.trainerAccuracy, keep: afterFirstBatch },
    { key: 'lag', metric: METRICS.consumerLag },
    // Parallel mode's applier; an exact trainer has no gradients.
    { key: 'gradients', metric: METRICS.trainerGradients, labels: { outcome: 'applied' } },
    { key: 'repeats', metric: METRICS.trainerGradientRepeats },
    { key: 'staleness.sum', metric: `${METRICS.trainerGradientStaleness}_sum` },
    { key: 'staleness.count', metric: `${METRICS.trainerGradientStaleness}_count` },
    { key: 'drifts', metric: METRICS.driftDetected },
  ],
  worker: [
    { key: 'readings', metric: METRICS.workerReadings },
    { key: 'rejected', metric: METRICS.workerRejected },
    { key: 'version', metric: METRICS.workerModelVersion, keep: aVersion },
    { key: 'lag', metric: METRICS.consumerLag },
    { key: 'waitSeconds', metric: METRICS.workerWaitSeconds },
    { key: 'committed', metric: METRICS.workerTransactions, labels: { outcome: 'committed' } },
    { key: 'aborted', metric: METRICS.workerTransactions, labels: { outcome: 'aborted' } },
  ],
  scorer: [
    { key: 'readings', metric: METRICS.scorerReadings },
    { key: 'rejected', metric: METRICS.scorerRejected },
    { key: 'version', metric: METRICS.scorerModelVersion, keep: aVersion },
    { key: 'holdoutAccuracy', metric: METRICS.scorerAccuracy, labels: { split: 'holdout' } },
    { key: 'lag', metric: METRICS.consumerLag },
    { key: 'drifts', metric: METRICS.driftDetected },
    // Shadow scoring (SCORER_SHADOW_MODEL); absent otherwise.
    { key: 'shadow.serving', metric: METRICS.scorerShadowAccuracy, labels: { side: 'serving' } },
    { key: 'shadow.shadow', metric: METRICS.scorerShadowAccuracy, labels: { side: 'shadow' } },
    { key: 'shadow.agreement', metric: METRICS.scorerShadowAgreement },
    { key: 'shadow.version', metric: METRICS.scorerShadowVersion, keep: aVersion },
  ],
};

const SPLITS: Partial<Record<TargetKind, Split[]>> = {
  trainer: [
    { key: 'staleness', metric: `${METRICS.trainerGradientStaleness}_bucket`, by: 'le' },
    { key: 'applied', metric: METRICS.trainerGradients, by: 'worker', labels: { outcome: 'applied' } },
  ],
  // Bucket counts are kept as counters of their own: a quantile of the recent
  // window needs their growth, not the totals since the scorer started.
  scorer: [{ key: 'latency', metric: `${METRICS.scorerLatency}_bucket`, by: 'le' }],
};

export const seriesKey = (target: string, key: string) => `${target}.${key}`;

/** Where the series of a split start in the store; the label's value follows. */
export const splitPrefix = (target: string, key: string, by: string) => `${seriesKey(target, key)}.${by}=`;

/** Prefix of the scorer's latency buckets in the store; the `le` bound follows it. */
export const LATENCY_BUCKET_PREFIX = splitPrefix('scorer', 'latency', 'le');
/** Prefix of the applier's staleness buckets. */
export const STALENESS_BUCKET_PREFIX = splitPrefix('trainer', 'staleness', 'le');
/** Prefix of the applier's gradients applied, by worker id. */
export const APPLIED_BY_WORKER_PREFIX = splitPrefix('trainer', 'applied', 'worker');

/** Adds one scrape of `target`, taken at `at`, to the store. */
export function recordScrape(store: SeriesStore, target: Target, samples: readonly Sample[], at: number): void {
  for (const read of READS[target.kind]) {
    const value = sumOf(samples, read.metric, read.labels);
    if (value !== undefined && (read.keep?.(value, samples) ?? true)) store.push(seriesKey(target.name, read.key), at, value);
  }
  for (const split of SPLITS[target.kind] ?? []) {
    const values = new Set(samples.flatMap((s) => (s.name === split.metric && s.labels[split.by] !== undefined ? [s.labels[split.by]!] : [])));
    for (const value of values) {
      const sum = sumOf(samples, split.metric, { ...split.labels, [split.by]: value });
      if (sum !== undefined) store.push(`${splitPrefix(target.name, split.key, split.by)}${value}`, at, sum);
    }
  }
}
