import { Counter, Gauge, type Registry } from 'prom-client';
import { DECODE_REASON_CODES, METRICS } from '@sonar/contracts';
import type { ConsumerLag } from '@sonar/kafka';
import { consumerLagGauge, zeroCounter } from '@sonar/runtime';
import type { ModelHolder } from '@sonar/store';

export type WorkerMetrics = ReturnType<typeof workerMetrics>;

/** A parallel-mode gradient worker's metrics, on the service's one registry. */
export function workerMetrics(registry: Registry, group: string, lag: ConsumerLag, holder: ModelHolder) {
  const registers = [registry];
  const metrics = {
    gradients: new Counter({ name: METRICS.workerGradients, help: 'Gradient records this worker sent (committed with its input offsets).', registers }),
    readings: new Counter({
      name: METRICS.workerReadings,
      help: 'Valid readings consumed by this worker, by what became of them (sent: in a committed gradient; holdout, unlabeled, duplicate, gated).',
      labelNames: ['kind'],
      registers,
    }),
    rejected: new Counter({ name: METRICS.workerRejected, help: 'Invalid records sent to the dead-letter topic, by reason.', labelNames: ['reason'], registers }),
    transactions: new Counter({ name: METRICS.workerTransactions, help: 'Kafka transactions of gradients, dead letters and offsets, by outcome.', labelNames: ['outcome'], registers }),
    waitSeconds: new Counter({
      name: METRICS.workerWaitSeconds,
      help: 'Time spent waiting for a fresher model before sending (TRAIN_MAX_STALENESS, TRAIN_WORKER_AHEAD).',
      registers,
    }),
    deadLettersFailed: new Counter({
      name: METRICS.deadLettersFailed,
      help: 'Rejected records the dead-letter topic refused (too large, topic gone, no broker): logged with their coordinates and skipped.',
      registers,
    }),
    version: new Gauge({
      name: METRICS.workerModelVersion,
      help: 'Version of the model the worker computes its gradients at (0: none yet, theta = 0).',
      registers,
      collect() {
        this.set(holder.current?.version ?? 0);
      },
    }),
    lag: consumerLagGauge(registry, group, lag),
  };
  zeroCounter(metrics.readings, 'kind', ['sent', 'holdout', 'unlabeled', 'duplicate', 'gated']);
  zeroCounter(metrics.rejected, 'reason', DECODE_REASON_CODES);
  zeroCounter(metrics.transactions, 'outcome', ['committed', 'aborted']);
  return metrics;
}
