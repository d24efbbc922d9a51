import { AccuracyWindow, PageHinkley, RollingMean } from '@sonar/model';
import type { Logger } from '@sonar/runtime';
import type { ConsumerLag } from '@sonar/kafka';
import type { ScorerMetrics } from '../metrics.ts';
import type { PublishedBatch } from './score.ts';

/** Metrics once per batch; latency is taken after Kafka acknowledged the events. */
export function recordScored(metrics: ScorerMetrics, lag: ConsumerLag, windowSize: number, drift?: { threshold: number; logger: Logger }) {
  const windows = { train: new AccuracyWindow(windowSize), holdout: new AccuracyWindow(windowSize) };
  const compare = shadowComparison(metrics, windowSize);
  // A fall of the holdout accuracy: Page–Hinkley over each holdout reading's hit (1) or miss (0).
  const detector = drift && new PageHinkley({ threshold: drift.threshold, direction: 'decrease' });
  return (scored: PublishedBatch): void => {
    if (scored.shadow) compare(scored);
    let rocks = 0;
    for (const event of scored.events) {
      if (event.label === 'R') rocks += 1;
      if (event.trueLabel === undefined) continue;
      const hit = event.label === event.trueLabel;
      windows[event.holdout ? 'holdout' : 'train'].record(hit);
      if (event.holdout && detector?.update(hit ? 1 : 0)) {
        metrics.drifts.inc({ signal: 'holdout_accuracy' });
        drift!.logger.warn({ signal: 'holdout_accuracy', modelVersion: event.modelVersion, reading: event.id }, 'drift detected: the holdout accuracy fell (Page-Hinkley)');
      }
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

/**
 * Shadow scoring, per batch: each side's holdout accuracy and log-loss, and how often
 * the two agree, over the recent readings; each side's time.
 */
function shadowComparison(metrics: ScorerMetrics, windowSize: number) {
  const sides = ['serving', 'shadow'] as const;
  const hits = { serving: new AccuracyWindow(windowSize), shadow: new AccuracyWindow(windowSize) };
  const losses = { serving: new RollingMean(windowSize), shadow: new RollingMean(windowSize) };
  const agreement = new AccuracyWindow(windowSize);
  return (scored: PublishedBatch): void => {
    const shadow = scored.shadow!;
    scored.events.forEach((event, i) => {
      const p = { serving: event.probability, shadow: shadow.probabilities[i]! };
      agreement.record(p.serving >= 0.5 === p.shadow >= 0.5);
      if (event.trueLabel === undefined || !event.holdout) return;
      const y = event.trueLabel === 'R' ? 1 : 0;
      for (const side of sides) {
        hits[side].record((p[side] >= 0.5 ? 1 : 0) === y);
        losses[side].record(lossOf(p[side], y));
      }
    });
    const m = metrics.shadow;
    for (const side of sides) {
      if (Number.isFinite(hits[side].value)) m.accuracy.set({ side }, hits[side].value);
      if (Number.isFinite(losses[side].value)) m.logLoss.set({ side }, losses[side].value);
    }
    if (Number.isFinite(agreement.value)) m.agreement.set(agreement.value);
    m.seconds.observe({ side: 'serving' }, shadow.servingSeconds);
    m.seconds.observe({ side: 'shadow' }, shadow.shadowSeconds);
    m.version.set(shadow.version);
  };
}

/** −log P(y): from the probability, clamped so that a confident miss costs a large finite loss, never Infinity. */
function lossOf(p: number, y: number): number {
  const q = Math.min(1 - 1e-15, Math.max(1e-15, y === 1 ? p : 1 - p));
  return -Math.log(q);
}
