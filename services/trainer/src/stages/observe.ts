import type { ConsumerLag } from '@sonar/kafka';
import type { Logger } from '@sonar/runtime';
import type { InFlight } from '../events.ts';
import type { TrainerMetrics } from '../metrics.ts';

/** Metrics and logs only, counted once per event rather than per record. */
export function recordOutcomes(metrics: TrainerMetrics, lag: ConsumerLag, logger: Logger) {
  return (flight: InFlight): void => {
    const { counts, outcomes, decoded, event, learner } = flight;
    if (event.kind === 'batch') lag.advance(event.batch.partition, learner.position(event.batch.partition));
    let trained = 0;
    let gated = 0;
    for (const outcome of outcomes) {
      if (outcome.kind === 'applied') {
        trained += outcome.size;
        metrics.batchSeconds.observe(outcome.seconds);
      } else {
        gated += outcome.size;
        metrics.healthGate.inc({ reason: outcome.reason });
        logger.warn({ reason: outcome.reason, cost: outcome.cost, size: outcome.size, detail: outcome.message }, 'health gate refused a mini-batch');
      }
    }
    if (trained > 0) metrics.readings.inc({ kind: 'trained' }, trained);
    if (gated > 0) metrics.readings.inc({ kind: 'gated' }, gated);
    if (counts.holdout > 0) metrics.readings.inc({ kind: 'holdout' }, counts.holdout);
    if (counts.unlabeled > 0) metrics.readings.inc({ kind: 'unlabeled' }, counts.unlabeled);
    const applied = outcomes.filter((o) => o.kind === 'applied');
    if (applied.length > 0) {
      metrics.batches.inc(applied.length);
      metrics.cost.set(applied.at(-1)!.cost);
      if (Number.isFinite(learner.progressiveAccuracy)) metrics.accuracy.set(learner.progressiveAccuracy);
      metrics.samples.set(learner.samples);
    }
    for (const rejected of decoded.rejected) metrics.rejected.inc({ reason: rejected.reason });
  };
}
