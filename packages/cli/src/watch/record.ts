import { METRICS } from '@sonar/contracts';
import { sumOf, type Sample } from '@sonar/runtime';
import type { SeriesStore } from './series.ts';

export const SERVICES = ['ingest', 'trainer', 'scorer'] as const;
export type Service = (typeof SERVICES)[number];

interface Read {
  key: string;
  metric: string;
  labels?: Record<string, string>;
  /** Gauges read 0 before they are first set: this tells a real value from that. */
  keep?: (value: number, samples: readonly Sample[]) => boolean;
}

const afterFirstBatch = (_: number, samples: readonly Sample[]) => (sumOf(samples, METRICS.trainerBatches) ?? 0) > 0;
// Versions start at 1; 0 is the gauge's initial value before any model.
const aVersion = (value: number) => value >= 1;

/** What the dashboard reads from each service's /metrics, summed over label sets. */
const READS: Record<Service, Read[]> = {
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
  ],
  scorer: [
    { key: 'readings', metric: METRICS.scorerReadings },
    { key: 'rejected', metric: METRICS.scorerRejected },
    { key: 'version', metric: METRICS.scorerModelVersion, keep: aVersion },
    { key: 'holdoutAccuracy', metric: METRICS.scorerAccuracy, labels: { split: 'holdout' } },
    { key: 'lag', metric: METRICS.consumerLag },
  ],
};

export const seriesKey = (service: Service, key: string) => `${service}.${key}`;

/** Prefix of the scorer's latency buckets in the store; the `le` bound follows it. */
export const LATENCY_BUCKET_PREFIX = seriesKey('scorer', 'latency.le=');

/** Adds one scrape of `service`, taken at `at`, to the store. */
export function recordScrape(store: SeriesStore, service: Service, samples: readonly Sample[], at: number): void {
  for (const read of READS[service]) {
    const value = sumOf(samples, read.metric, read.labels);
    if (value !== undefined && (read.keep?.(value, samples) ?? true)) store.push(seriesKey(service, read.key), at, value);
  }
  if (service !== 'scorer') return;
  // Bucket counts are kept as counters of their own: a quantile of the recent
  // window needs their growth, not the totals since the scorer started.
  for (const sample of samples) {
    if (sample.name === `${METRICS.scorerLatency}_bucket` && sample.labels.le !== undefined) {
      store.push(`${LATENCY_BUCKET_PREFIX}${sample.labels.le}`, at, sample.value);
    }
  }
}
