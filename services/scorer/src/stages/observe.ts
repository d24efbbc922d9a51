import { AccuracyWindow } from '@sonar/model';
import type { ConsumerLag } from '@sonar/kafka';
import type { ScorerMetrics } from '../metrics.ts';
import type { PublishedBatch } from './score.ts';

/** Metrics once per batch; latency is taken after Kafka acknowledged the events. */
export function recordScored(metrics: ScorerMetrics, lag: ConsumerLag, windowSize: number) {
  const windows = { train: new AccuracyWindow(windowSize), holdout: new AccuracyWindow(windowSize) };
  return (scored: PublishedBatch): void => {
    let rocks = 0;
    for (const event of scored.events) {
      if (event.label === 'R') rocks += 1;
      if (event.trueLabel !== undefined) windows[event.holdout ? 'holdout' : 'train'].record(event.label === event.trueLabel);
    }
    void scored.acked.then(
      (sentAt) => {
        for (const event of scored.events) metrics.latency.observe(Math.max(0, sentAt - event.readingTs) / 1000);
      },
      () => undefined,
    );
    if (rocks > 0) metrics.readings.inc({ label: 'R' }, rocks);
    if (scored.events.length > rocks) metrics.readings.inc({ label: 'M' }, scored.events.length - rocks);
    for (const split of ['train', 'holdout'] as const) {
      const value = windows[split].value;
      if (Number.isFinite(value)) metrics.accuracy.set({ split }, value);
    }
    if (scored.propagationMs !== undefined) metrics.propagation.observe(scored.propagationMs / 1000);
    for (const rejected of scored.rejected) metrics.rejected.inc({ reason: rejected.reason });
    const last = scored.batch.messages.at(-1);
    if (last) lag.advance(scored.batch.partition, Number(last.offset) + 1);
  };
}
