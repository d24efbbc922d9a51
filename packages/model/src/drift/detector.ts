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
 * Detectors refuse NaN and ±Infinity: one such value would poison every later
 * mean, so a caller bug must fail where it happens, with the state unchanged.
 */
export function assertFiniteInput(detector: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${detector}: input must be a finite number, got ${String(x)}`);
}
