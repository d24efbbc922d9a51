import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS, REJECT_REASON_CODES } from '@sonar/contracts';
import { consumerLagGauge, DELAY_BUCKETS, zeroCounter } from '@sonar/runtime';
import type { ConsumerLag } from '@sonar/kafka';
import type { ModelHolder } from '@sonar/store';

export type ScorerMetrics = ReturnType<typeof scorerMetrics>;

export function scorerMetrics(registry: Registry, group: string, lag: ConsumerLag, model: ModelHolder) {
  const registers = [registry];
  const metrics = {
    readings: new Counter({ name: METRICS.scorerReadings, help: 'Readings classified, by predicted label (R rock, M mine).', labelNames: ['label'], registers }),
    latency: new Histogram({
      name: METRICS.scorerLatency,
      help: "End-to-end latency: from the reading's ts (or Kafka timestamp) to its classified event acknowledged by Kafka.",
      buckets: DELAY_BUCKETS,
      registers,
    }),
    version: new Gauge({
      name: METRICS.scorerModelVersion,
      help: 'Version of the model this scorer classifies with.',
      registers,
      collect() {
        if (model.current) this.set(model.current.version);
      },
    }),
    age: new Gauge({
      name: METRICS.scorerModelAge,
      help: 'Time since the model in use was checkpointed.',
      registers,
      collect() {
        if (model.current) this.set(Math.max(0, (Date.now() - model.current.updatedAt) / 1000));
      },
    }),
    swaps: new Counter({ name: METRICS.scorerModelSwaps, help: 'Model versions swapped in without restart.', registers }),
    accuracy: new Gauge({
      name: METRICS.scorerAccuracy,
      help: 'Accuracy over the recent labeled readings, by split: train (the model may have learnt from them) or holdout (never trained on).',
      labelNames: ['split'],
      registers,
    }),
    rejected: new Counter({ name: METRICS.scorerRejected, help: 'Invalid records sent to the dead-letter topic, by reason.', labelNames: ['reason'], registers }),
    propagation: new Histogram({
      name: METRICS.scorerPropagation,
      help: 'From a checkpoint written to the first reading scored with it.',
      buckets: DELAY_BUCKETS,
      registers,
    }),
    modelsRejected: new Counter({
      name: METRICS.scorerModelsRejected,
      help: 'Checkpoints the scorer refused to serve (wrong theta length, a non-finite value, unreadable), by reason: it keeps the last good model.',
      labelNames: ['reason'],
      registers,
    }),
    deadLettersFailed: new Counter({
      name: METRICS.deadLettersFailed,
      help: 'Rejected records the dead-letter topic refused (too large, topic gone, no broker): logged with their coordinates and skipped.',
      registers,
    }),
    transactions: new Counter({
      name: METRICS.scorerTransactions,
      help: 'Kafka transactions in exactly-once mode, by outcome (committed, aborted).',
      labelNames: ['outcome'],
      registers,
    }),
    drifts: new Counter({ name: METRICS.driftDetected, help: 'Drifts detected (Page-Hinkley), by signal: the scorer watches its holdout accuracy.', labelNames: ['signal'], registers }),
    lag: consumerLagGauge(registry, group, lag),
    shadow: {
      accuracy: new Gauge({ name: METRICS.scorerShadowAccuracy, help: 'Shadow scoring: accuracy over the recent holdout readings, by side (serving, shadow).', labelNames: ['side'], registers }),
      logLoss: new Gauge({ name: METRICS.scorerShadowLogLoss, help: 'Shadow scoring: mean log-loss over the recent holdout readings, by side (serving, shadow).', labelNames: ['side'], registers }),
      agreement: new Gauge({ name: METRICS.scorerShadowAgreement, help: 'Shadow scoring: share of the recent readings the serving and the shadow model gave the same label.', registers }),
      seconds: new Histogram({
        name: METRICS.scorerShadowSeconds,
        help: "Shadow scoring: seconds per batch, by side (serving: decode and score; shadow: score the same rows).",
        labelNames: ['side'],
        buckets: DELAY_BUCKETS,
        registers,
      }),
      version: new Gauge({ name: METRICS.scorerShadowVersion, help: 'Shadow scoring: version of the shadow model scored with.', registers }),
    },
  };
  zeroCounter(metrics.readings, 'label', ['R', 'M']);
  zeroCounter(metrics.rejected, 'reason', REJECT_REASON_CODES);
  zeroCounter(metrics.transactions, 'outcome', ['committed', 'aborted']);
  zeroCounter(metrics.drifts, 'signal', ['holdout_accuracy']);
  zeroCounter(metrics.modelsRejected, 'reason', ['unreadable', 'wrong_theta_length', 'non_finite_theta']);
  return metrics;
}
