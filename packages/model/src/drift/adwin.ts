import { assertUsableInput } from './detector.ts';
import type { DriftDetector } from './detector.ts';
import { asRecord, countField, expectKind, finiteArray, finiteField } from './json-fields.ts';

export interface AdwinOptions {
  /** Confidence δ in (0, 1): a cut needs the sub-window means to differ by more than ε_cut(δ). Default 0.002. */
  delta?: number;
  /** Look for a cut every this many values. Default 32. */
  clock?: number;
  /** M: buckets of one size kept before the two oldest merge; memory is O(M·log(W/M)). Default 5. */
  maxBuckets?: number;
  /** Each side of a cut holds at least this many values. Default 5. */
  minSubWindow?: number;
  /** No cut is looked for before the window holds this many values. Default 10. */
  gracePeriod?: number;
}

export type AdwinParameters = Required<AdwinOptions>;

/** Buckets of 2^level values each, oldest first: their sums and sums of squared deviations. */
export interface AdwinLevel {
  totals: number[];
  variances: number[];
}

export interface AdwinState {
  kind: 'adwin';
  version: 1;
  parameters: AdwinParameters;
  /** Values seen since the start or the last reset; drives the clock. */
  seen: number;
  total: number;
  /** Σ (x - mean)² over the window. */
  variance: number;
  /** levels[i] holds the buckets of 2^i values; higher levels are older. */
  levels: AdwinLevel[];
}

const WHERE = 'Adwin';

/**
 * ADWIN2: an adaptive window over the stream, compressed into an exponential
 * histogram. Every `clock` values it tries the cuts between buckets and drops
 * the oldest part while the means of the two sides differ by more than
 *   ε_cut = sqrt((2/m)·σ²_W·ln(2/δ')) + (2/(3m))·ln(2/δ'),  1/m = 1/n0 + 1/n1, δ' = δ/ln W,
 * so the window keeps only values consistent with the current mean. The bound's
 * second term assumes values in [0, 1] (hits, or a loss scaled to it). A value that
 * is not finite or beyond ±1e100 throws, leaving the state unchanged.
 * Reference: A. Bifet and R. Gavaldà, "Learning from time-changing data with adaptive windowing", SIAM SDM 2007.
 */
export class Adwin implements DriftDetector {
  readonly parameters: Readonly<AdwinParameters>;
  private seen = 0;
  private count = 0;
  private total = 0;
  private variance = 0;
  private levels: AdwinLevel[] = [];

  constructor(options: AdwinOptions = {}) {
    // Frozen: a parameter changed mid-stream would silently make a different test.
    this.parameters = Object.freeze(resolve(options));
  }

  update(x: number): boolean {
    assertUsableInput(WHERE, x);
    // +0 turns -0 into 0, so a state never holds a zero whose sign JSON would lose.
    this.insert(x + 0);
    this.seen += 1;
    const { clock, gracePeriod } = this.parameters;
    return this.seen % clock === 0 && this.count >= gracePeriod && this.shrink();
  }

  reset(): void {
    this.seen = 0;
    this.count = 0;
    this.total = 0;
    this.variance = 0;
    this.levels = [];
  }

  /** Values in the current window. */
  get width(): number {
    return this.count;
  }

  /** Mean of the window: the current estimate of the stream's mean; null while empty. */
  get mean(): number | null {
    return this.count === 0 ? null : this.total / this.count;
  }

  /** Buckets held: the memory in use, O(M·log W). */
  get buckets(): number {
    return this.levels.reduce((sum, level) => sum + level.totals.length, 0);
  }

  private insert(x: number): void {
    if (this.count > 0) {
      const deviation = x - this.total / this.count;
      this.variance += (this.count * deviation * deviation) / (this.count + 1);
    }
    this.count += 1;
    this.total += x;
    this.level(0).totals.push(x);
    this.level(0).variances.push(0);
    this.compress();
  }

  /** Merges the two oldest buckets of any size that has more than M, carrying upward. */
  private compress(): void {
    for (let i = 0; i < this.levels.length; i++) {
      const level = this.levels[i] as AdwinLevel;
      if (level.totals.length <= this.parameters.maxBuckets) return;
      const size = 2 ** i;
      const [t0, t1] = level.totals.splice(0, 2) as [number, number];
      const [v0, v1] = level.variances.splice(0, 2) as [number, number];
      const gap = t0 / size - t1 / size;
      const next = this.level(i + 1);
      next.totals.push(t0 + t1);
      // Variance of a union: both parts' plus n0·n1/(n0+n1)·(μ0 - μ1)², here with n0 = n1.
      next.variances.push(v0 + v1 + (size / 2) * gap * gap);
    }
  }

  /** Drops the oldest buckets while some cut separates two different means; true when it dropped any. */
  private shrink(): boolean {
    let dropped = false;
    while (this.count > 0 && this.someCut()) {
      this.dropOldest();
      dropped = true;
    }
    return dropped;
  }

  private someCut(): boolean {
    const { minSubWindow } = this.parameters;
    const varianceOfWindow = Math.max(0, this.variance / this.count);
    const confidence = Math.log((2 * Math.log(this.count)) / this.parameters.delta);
    let n0 = 0;
    let u0 = 0;
    for (let i = this.levels.length - 1; i >= 0; i--) {
      const totals = (this.levels[i] as AdwinLevel).totals;
      for (let k = 0; k < totals.length; k++) {
        n0 += 2 ** i;
        u0 += totals[k] as number;
        const n1 = this.count - n0;
        if (n1 < minSubWindow) return false;
        if (n0 < minSubWindow) continue;
        const inverseM = 1 / n0 + 1 / n1;
        const epsilon = Math.sqrt(2 * inverseM * varianceOfWindow * confidence) + (2 / 3) * inverseM * confidence;
        if (Math.abs(u0 / n0 - (this.total - u0) / n1) > epsilon) return true;
      }
    }
    return false;
  }

  private dropOldest(): void {
    const top = this.levels.length - 1;
    const level = this.levels[top] as AdwinLevel;
    const size = 2 ** top;
    const bucketTotal = level.totals.shift() as number;
    const bucketVariance = level.variances.shift() as number;
    if (level.totals.length === 0) this.levels.pop();
    const rest = this.count - size;
    if (rest === 0) {
      // Unreachable while minSubWindow >= 1 keeps a side of every cut; kept so the state stays consistent.
      this.count = 0;
      this.total = 0;
      this.variance = 0;
      return;
    }
    const gap = bucketTotal / size - (this.total - bucketTotal) / rest;
    this.count = rest;
    this.total -= bucketTotal;
    // Rounding may leave a hair below zero; the window's variance is never negative.
    this.variance = Math.max(0, this.variance - bucketVariance - ((size * rest) / (size + rest)) * gap * gap);
  }

  private level(i: number): AdwinLevel {
    while (this.levels.length <= i) this.levels.push({ totals: [], variances: [] });
    return this.levels[i] as AdwinLevel;
  }

  toJSON(): AdwinState {
    return {
      kind: 'adwin',
      version: 1,
      parameters: { ...this.parameters },
      seen: this.seen,
      total: this.total,
      variance: this.variance,
      levels: this.levels.map((level) => ({ totals: level.totals.slice(), variances: level.variances.slice() })),
    };
  }

  /** Restores a state written by toJSON; throws an Error naming the first problem. */
  static fromJSON(value: unknown): Adwin {
    const record = asRecord(value, WHERE);
    expectKind(record, 'adwin', WHERE);
    const detector = new Adwin(asRecord(record['parameters'], `${WHERE} parameters`) as AdwinOptions);
    const levels = record['levels'];
    // 2^53 values is more than a window can hold: more levels can only be corruption.
    if (!Array.isArray(levels) || levels.length > 53) throw new Error(`${WHERE}: levels must be an array of at most 53 levels`);
    let count = 0;
    detector.levels = levels.map((item: unknown, i) => {
      const level = asRecord(item, `${WHERE} levels[${i}]`);
      const totals = finiteArray(level['totals'], `levels[${i}].totals`, WHERE).slice();
      const variances = finiteArray(level['variances'], `levels[${i}].variances`, WHERE).slice();
      if (totals.length !== variances.length || totals.length > detector.parameters.maxBuckets) {
        throw new Error(`${WHERE}: levels[${i}] must hold as many totals as variances, at most ${detector.parameters.maxBuckets}`);
      }
      if (variances.some((v) => v < 0)) throw new Error(`${WHERE}: levels[${i}].variances must be >= 0`);
      count += totals.length * 2 ** i;
      return { totals, variances };
    });
    if (detector.levels.length > 0 && detector.levels[detector.levels.length - 1]!.totals.length === 0) {
      throw new Error(`${WHERE}: the oldest level must not be empty`);
    }
    detector.seen = countField(record, 'seen', WHERE);
    detector.count = count;
    detector.total = finiteField(record, 'total', WHERE);
    detector.variance = finiteField(record, 'variance', WHERE);
    if (detector.variance < 0) throw new Error(`${WHERE}: variance must be >= 0`);
    return detector;
  }
}

function resolve(options: AdwinOptions): AdwinParameters {
  const parameters: AdwinParameters = {
    delta: options.delta ?? 0.002,
    clock: options.clock ?? 32,
    maxBuckets: options.maxBuckets ?? 5,
    minSubWindow: options.minSubWindow ?? 5,
    gracePeriod: options.gracePeriod ?? 10,
  };
  const problems: string[] = [];
  const { delta, clock, maxBuckets, minSubWindow, gracePeriod } = parameters;
  if (!(delta > 0 && delta < 1)) problems.push(`delta must be in (0, 1), got ${String(delta)}`);
  for (const [name, value, least] of [
    ['clock', clock, 1],
    ['maxBuckets', maxBuckets, 2],
    ['minSubWindow', minSubWindow, 1],
    ['gracePeriod', gracePeriod, 1],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value >= least)) problems.push(`${name} must be an integer >= ${least}, got ${String(value)}`);
  }
  if (problems.length > 0) throw new Error(`${WHERE}: ${problems.join('; ')}`);
  return parameters;
}
