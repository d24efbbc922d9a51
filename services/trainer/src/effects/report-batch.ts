import type { ConsumerLag } from '@sonar/kafka';
import type { Logger } from '@sonar/runtime';
import type { BatchReport } from '../core/effects.ts';
import type { TrainerMetrics } from '../metrics.ts';

/** Metrics of one batch, counted once per batch rather than per record; lag moves with the partition's position. */
export function reportBatch(metrics: TrainerMetrics, lag: ConsumerLag, logger: Logger, report: BatchReport): void {
  if (report.partition !== undefined) lag.advance(report.partition, report.position);
  let trained = 0;
  let gatedReadings = 0;
  let applied = 0;
  let lastCost: number | undefined;
  for (const outcome of report.outcomes) {
    if (outcome.worker !== undefined) {
      metrics.gradients.inc({ worker: outcome.worker, outcome: outcome.kind });
      if (outcome.staleness !== undefined) metrics.staleness.observe(outcome.staleness);
    }
    if (outcome.kind === 'applied') {
      trained += outcome.size;
      applied += 1;
      lastCost = outcome.cost;
      metrics.batchSeconds.observe(outcome.seconds);
      if (outcome.drift) {
        metrics.drifts.inc({ signal: 'progressive_loss' });
        logger.warn({ signal: 'progressive_loss', cost: outcome.cost, samples: outcome.drift.samples }, 'drift detected: the progressive loss rose (Page-Hinkley)');
      }
    } else {
      gatedReadings += outcome.size;
      metrics.healthGate.inc({ reason: outcome.reason });
      logger.warn({ reason: outcome.reason, cost: outcome.cost, size: outcome.size, detail: outcome.message }, 'health gate refused a mini-batch');
    }
  }
  if (trained > 0) metrics.readings.inc({ kind: 'trained' }, trained);
  if (gatedReadings > 0) metrics.readings.inc({ kind: 'gated' }, gatedReadings);
  if (report.holdout > 0) metrics.readings.inc({ kind: 'holdout' }, report.holdout);
  if (report.unlabeled > 0) metrics.readings.inc({ kind: 'unlabeled' }, report.unlabeled);
  if (report.duplicates > 0) metrics.readings.inc({ kind: 'duplicate' }, report.duplicates);
  if (applied > 0) {
    metrics.batches.inc(applied);
    metrics.cost.set(lastCost!);
    if (Number.isFinite(report.accuracy)) metrics.accuracy.set(report.accuracy);
    metrics.samples.set(report.samples);
  }
  for (const rejected of report.rejected) metrics.rejected.inc({ reason: rejected.reason });
  if (report.repeats) metrics.gradientRepeats.inc(report.repeats);
}
