import { seededRng } from '../random.ts';
import type { Rng } from '../random.ts';
import type { DriftDetector } from './detector.ts';

export interface DriftTrialOptions {
  /** One run per seed, each with its own seededRng(seed) and a fresh detector. */
  seeds: readonly number[];
  /** Values per run. */
  length: number;
  /** Index of the first value after the change; omitted for a stream without change. */
  changeAt?: number;
  detector: () => DriftDetector;
  /** A fresh stream per run: the returned function gives the t-th value (t = 0, 1, … in order), and may keep state. */
  stream: (rng: Rng) => (t: number) => number;
}

export interface DriftTrial {
  seed: number;
  /** Alarms before the change (every alarm when there is none). */
  falseAlarms: number;
  /** Values from the change to the first alarm at or after it (0: alarmed on the first changed value); null when missed or no change. */
  delay: number | null;
}

export interface DriftReport {
  trials: DriftTrial[];
  falseAlarms: number;
  detected: number;
  missed: number;
  /** null when no run detected the change. */
  meanDelay: number | null;
  maxDelay: number | null;
}

/** Detection delays and false alarms of a detector over seeded runs of a synthetic stream. */
export function driftReport(options: DriftTrialOptions): DriftReport {
  const { seeds, length, changeAt } = options;
  if (!(Number.isSafeInteger(length) && length > 0)) throw new Error(`driftReport: length must be a positive integer, got ${length}`);
  if (changeAt !== undefined && !(Number.isSafeInteger(changeAt) && changeAt >= 0 && changeAt < length)) {
    throw new Error(`driftReport: changeAt must be an integer in [0, ${length}), got ${changeAt}`);
  }
  const trials = seeds.map((seed) => runTrial(seed, options));
  const delays = trials.flatMap((trial) => (trial.delay === null ? [] : [trial.delay]));
  return {
    trials,
    falseAlarms: trials.reduce((sum, trial) => sum + trial.falseAlarms, 0),
    detected: delays.length,
    missed: changeAt === undefined ? 0 : trials.length - delays.length,
    meanDelay: delays.length === 0 ? null : delays.reduce((a, b) => a + b, 0) / delays.length,
    maxDelay: delays.length === 0 ? null : Math.max(...delays),
  };
}

function runTrial(seed: number, { length, changeAt, detector: create, stream }: DriftTrialOptions): DriftTrial {
  const next = stream(seededRng(seed));
  const detector = create();
  let falseAlarms = 0;
  for (let t = 0; t < length; t++) {
    const alarm = detector.update(next(t));
    if (!alarm) continue;
    if (changeAt === undefined || t < changeAt) falseAlarms++;
    // Alarms after the first detection are the detector settling on the new mean: not counted.
    else return { seed, falseAlarms, delay: t - changeAt };
  }
  return { seed, falseAlarms, delay: null };
}
