import { assertUsableInput } from './detector.ts';
import type { DriftDetector } from './detector.ts';
import { asRecord, countField, expectKind, finiteField } from './json-fields.ts';

export interface PageHinkleyOptions {
  /** δ: deviations from the running mean smaller than this are tolerated (not accumulated). Default 0.005. */
  delta?: number;
  /** λ: alarm when the cumulative deviation rises this far above its minimum. Default 50. */
  threshold?: number;
  /** Forgetting factor in (0, 1] applied to the cumulative deviation each step; 1 forgets nothing. Default 1 - 1e-4. */
  alpha?: number;
  /** No alarm before this many values since the start or the last alarm. Default 30. */
  minInstances?: number;
  /** 'increase' watches for a rising mean (a loss); 'decrease' for a falling one (an accuracy), by testing -x. Default 'increase'. */
  direction?: 'increase' | 'decrease';
}

export type PageHinkleyParameters = Required<PageHinkleyOptions>;

export interface PageHinkleyState {
  kind: 'page-hinkley';
  version: 1;
  parameters: PageHinkleyParameters;
  /** Values seen since the start or the last alarm. */
  n: number;
  mean: number;
  /** The test statistic, m_T - M_T with forgetting; always >= 0. */
  statistic: number;
}

const WHERE = 'PageHinkley';

/**
 * Page-Hinkley test for an increase (or decrease) of the mean: with x̄_T the
 * running mean, the cumulative deviation m_T = Σ (x_t - x̄_t - δ) and its minimum
 * M_T, it alarms when m_T - M_T > λ, then starts afresh so the next alarm is about
 * the next change. m_T - M_T is kept in its recursive form
 * PH_T = max(0, α·PH_{T-1} + x_T - x̄_T - δ), as in MOA: forgetting then shrinks
 * the statistic toward 0; applied to m_T instead it would cancel the -δ drift of a
 * long stationary stream and let noise alone reach λ. Defaults as in MOA and river.
 * A value that is not finite or beyond ±1e100 throws, leaving the state unchanged.
 * Reference: E. S. Page, "Continuous inspection schemes", Biometrika 41 (1954) 100–115.
 */
export class PageHinkley implements DriftDetector {
  readonly parameters: Readonly<PageHinkleyParameters>;
  private n = 0;
  private mean = 0;
  private ph = 0;

  constructor(options: PageHinkleyOptions = {}) {
    // Frozen: a parameter changed mid-stream would silently make a different test.
    this.parameters = Object.freeze(resolve(options));
  }

  update(x: number): boolean {
    assertUsableInput(WHERE, x);
    const { delta, threshold, alpha, minInstances, direction } = this.parameters;
    // +0 turns -0 into 0, so a state never holds a zero whose sign JSON would lose.
    const value = (direction === 'increase' ? x : -x) + 0;
    this.n += 1;
    this.mean += (value - this.mean) / this.n;
    this.ph = Math.max(0, alpha * this.ph + (value - this.mean - delta));
    const detected = this.n >= minInstances && this.ph > threshold;
    if (detected) this.reset();
    return detected;
  }

  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.ph = 0;
  }

  /** The statistic compared with λ (0 right after a reset). */
  get statistic(): number {
    return this.ph;
  }

  toJSON(): PageHinkleyState {
    return { kind: 'page-hinkley', version: 1, parameters: { ...this.parameters }, n: this.n, mean: this.mean, statistic: this.ph };
  }

  /** Restores a state written by toJSON; throws an Error naming the first problem. */
  static fromJSON(value: unknown): PageHinkley {
    const record = asRecord(value, WHERE);
    expectKind(record, 'page-hinkley', WHERE);
    const detector = new PageHinkley(asRecord(record['parameters'], `${WHERE} parameters`) as PageHinkleyOptions);
    detector.n = countField(record, 'n', WHERE);
    detector.mean = finiteField(record, 'mean', WHERE);
    detector.ph = finiteField(record, 'statistic', WHERE);
    if (detector.ph < 0) throw new Error(`${WHERE}: statistic must be >= 0, got ${detector.ph}`);
    return detector;
  }
}

function resolve(options: PageHinkleyOptions): PageHinkleyParameters {
  const parameters: PageHinkleyParameters = {
    delta: options.delta ?? 0.005,
    threshold: options.threshold ?? 50,
    alpha: options.alpha ?? 1 - 1e-4,
    minInstances: options.minInstances ?? 30,
    direction: options.direction ?? 'increase',
  };
  const problems: string[] = [];
  const { delta, threshold, alpha, minInstances, direction } = parameters;
  if (!(Number.isFinite(delta) && delta >= 0)) problems.push(`delta must be a finite number >= 0, got ${String(delta)}`);
  if (!(Number.isFinite(threshold) && threshold > 0)) problems.push(`threshold must be a finite number > 0, got ${String(threshold)}`);
  if (!(alpha > 0 && alpha <= 1)) problems.push(`alpha must be in (0, 1], got ${String(alpha)}`);
  if (!(Number.isSafeInteger(minInstances) && minInstances >= 1)) problems.push(`minInstances must be an integer >= 1, got ${String(minInstances)}`);
  if (direction !== 'increase' && direction !== 'decrease') problems.push(`direction must be increase or decrease, got ${String(direction)}`);
  if (problems.length > 0) throw new Error(`${WHERE}: ${problems.join('; ')}`);
  return parameters;
}
