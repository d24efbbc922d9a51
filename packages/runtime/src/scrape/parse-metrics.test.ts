import { describe, expect, it } from 'vitest';
import { parseMetrics, sumDefined, sumOf } from './parse-metrics.ts';

// As prom-client writes it, with the odd cases of the format mixed in.
const TEXT = `# HELP sonar_scorer_readings_total Readings classified, by predicted label (R rock, M mine).
# TYPE sonar_scorer_readings_total counter
sonar_scorer_readings_total{label="R",service="scorer"} 120
sonar_scorer_readings_total{label="M",service="scorer"} 80

# TYPE sonar_scorer_latency_seconds histogram
sonar_scorer_latency_seconds_bucket{le="0.005",service="scorer"} 3
sonar_scorer_latency_seconds_bucket{le="+Inf",service="scorer"} 200
sonar_scorer_model_version{service="scorer"} 7
process_start_time_seconds 1795000000 1795000000123
odd_labels{ a = "x\\"y\\\\z\\n" , b="{},=" ,} 1.5e-3
not_a_value{service="scorer"} abc
broken{service="scorer} 1
gauge_nan NaN
gauge_neg_inf -Inf
`;

describe('parseMetrics', () => {
  const samples = parseMetrics(TEXT);

  it('reads name, labels and value, and skips comments and blank lines', () => {
    expect(samples[0]).toEqual({ name: 'sonar_scorer_readings_total', labels: { label: 'R', service: 'scorer' }, value: 120 });
    expect(samples.map((s) => s.name)).not.toContain('#');
  });

  it('reads +Inf bounds, a sample without labels and one with a timestamp', () => {
    expect(samples.find((s) => s.labels.le === '+Inf')?.value).toBe(200);
    expect(samples.find((s) => s.name === 'process_start_time_seconds')).toEqual({ name: 'process_start_time_seconds', labels: {}, value: 1795000000 });
  });

  it('unescapes label values and allows spaces and a trailing comma', () => {
    expect(samples.find((s) => s.name === 'odd_labels')).toEqual({ name: 'odd_labels', labels: { a: 'x"y\\z\n', b: '{},=' }, value: 0.0015 });
  });

  it('skips lines that do not parse instead of failing the whole scrape', () => {
    const names = samples.map((s) => s.name);
    expect(names).not.toContain('not_a_value');
    expect(names).not.toContain('broken');
    expect(names).toContain('sonar_scorer_model_version');
  });

  it('keeps the special values NaN and -Inf', () => {
    expect(samples.find((s) => s.name === 'gauge_nan')?.value).toBeNaN();
    expect(samples.find((s) => s.name === 'gauge_neg_inf')?.value).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('sumOf', () => {
  const samples = parseMetrics(TEXT);

  it('sums over label sets, or only those that match', () => {
    expect(sumOf(samples, 'sonar_scorer_readings_total')).toBe(200);
    expect(sumOf(samples, 'sonar_scorer_readings_total', { label: 'M' })).toBe(80);
  });

  it('is undefined, not 0, when nothing matches or no value is finite', () => {
    expect(sumOf(samples, 'sonar_trainer_cost')).toBeUndefined();
    expect(sumOf(samples, 'sonar_scorer_readings_total', { label: 'X' })).toBeUndefined();
    expect(sumOf(samples, 'gauge_nan')).toBeUndefined();
  });
});

describe('sumDefined', () => {
  it('sums what is known, and is undefined when nothing is', () => {
    expect(sumDefined([3, undefined, 4])).toBe(7);
    expect(sumDefined([0])).toBe(0);
    expect(sumDefined([undefined, undefined])).toBeUndefined();
    expect(sumDefined([])).toBeUndefined();
  });
});
