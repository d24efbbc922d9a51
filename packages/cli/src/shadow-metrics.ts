import { METRICS } from '@sonar/contracts';
import { sumOf, type Sample } from '@sonar/runtime';

/** One side of the scorer's shadow comparison, over its recent holdout readings. */
export interface ShadowSideMetrics {
  accuracy?: number | undefined;
  logLoss?: number | undefined;
}

/** The scorer's shadow comparison as its /metrics show it (`sonar model compare`, `sonar demo --shadow`). */
export interface ShadowMetrics {
  serving: ShadowSideMetrics;
  shadow: ShadowSideMetrics;
  /** Share of recent readings both labelled alike; absent when the scorer scores no shadow model. */
  agreement?: number | undefined;
  /** The shadow model's version the scorer scored with last (0 before it had one). */
  shadowVersion?: number | undefined;
}

export function shadowMetrics(samples: readonly Sample[]): ShadowMetrics {
  const side = (name: 'serving' | 'shadow'): ShadowSideMetrics => ({
    accuracy: sumOf(samples, METRICS.scorerShadowAccuracy, { side: name }),
    logLoss: sumOf(samples, METRICS.scorerShadowLogLoss, { side: name }),
  });
  return {
    serving: side('serving'),
    shadow: side('shadow'),
    agreement: sumOf(samples, METRICS.scorerShadowAgreement),
    shadowVersion: sumOf(samples, METRICS.scorerShadowVersion),
  };
}
