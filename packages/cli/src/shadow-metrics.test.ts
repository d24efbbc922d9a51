import { describe, expect, it } from 'vitest';
import { parseMetrics } from '@sonar/runtime';
import { shadowMetrics } from './shadow-metrics.ts';

describe('shadowMetrics', () => {
  it("reads each side's accuracy and log-loss, the agreement and the shadow's version from the scorer's metrics", () => {
    const samples = parseMetrics(
      [
        'sonar_scorer_shadow_accuracy{side="serving"} 0.75',
        'sonar_scorer_shadow_accuracy{side="shadow"} 0.8',
        'sonar_scorer_shadow_log_loss{side="serving"} 0.42',
        'sonar_scorer_shadow_log_loss{side="shadow"} 0.35',
        'sonar_scorer_shadow_agreement 0.86',
        'sonar_scorer_shadow_model_version 7',
      ].join('\n'),
    );
    expect(shadowMetrics(samples)).toEqual({ serving: { accuracy: 0.75, logLoss: 0.42 }, shadow: { accuracy: 0.8, logLoss: 0.35 }, agreement: 0.86, shadowVersion: 7 });
  });

  it('has no agreement for a scorer without a shadow model', () => {
    expect(shadowMetrics(parseMetrics('sonar_scorer_readings_total 10')).agreement).toBeUndefined();
  });
});
