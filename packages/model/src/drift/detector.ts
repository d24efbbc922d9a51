/**
 * A detector of a change in the mean of a stream of numbers: the trainer's
 * progressive loss per batch, or the scorer's 0/1 hits on holdout readings.
 */
export interface DriftDetector {
  /** Feeds one value; true when a change is detected at this value. */
  update(x: number): boolean;
  /** Forgets everything seen, keeping the parameters. */
  reset(): void;
}

/**
 * Beyond this magnitude a value's square or a long sum of such values could
 * overflow; losses and 0/1 hits are nowhere near it.
 */
export const MAX_DETECTOR_INPUT = 1e100;

/**
 * Detectors refuse NaN, ±Infinity and values beyond ±1e100: one such value would
 * poison every later mean, so a caller bug must fail where it happens, with the
 * state unchanged, and no detector state can ever become non-finite.
 */
export function assertUsableInput(detector: string, x: number): void {
  if (typeof x !== 'number' || !(Math.abs(x) <= MAX_DETECTOR_INPUT)) {
    throw new Error(`${detector}: input must be a finite number in [-1e100, 1e100], got ${String(x)}`);
  }
}
