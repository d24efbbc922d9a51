import { Counter, Histogram, type Registry } from 'prom-client';
import { DECODE_REASON_CODES, METRICS } from '@sonar/contracts';
import { DURATION_BUCKETS, zeroCounter } from '@sonar/runtime';

export type IngestMetrics = ReturnType<typeof ingestMetrics>;

export function ingestMetrics(registry: Registry) {
  const registers = [registry];
  const metrics = {
    readings: new Counter({ name: METRICS.ingestReadings, help: 'Readings accepted and acknowledged by Kafka.', registers }),
    rejected: new Counter({ name: METRICS.ingestRejected, help: 'Readings refused, by reason.', labelNames: ['reason'], registers }),
    repeated: new Counter({
      name: METRICS.ingestRepeated,
      help: 'Readings posted again (same id) while their first write was on its way to Kafka or after it was written: acknowledged, not sent twice.',
      registers,
    }),
    requestSeconds: new Histogram({
      name: METRICS.ingestRequestSeconds,
      help: 'POST /readings duration, Kafka acknowledgement included, by status.',
      labelNames: ['status'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
  };
  zeroCounter(metrics.rejected, 'reason', DECODE_REASON_CODES);
  return metrics;
}
