import type { OptimizerConfig } from './config.ts';
import type { TrainingState } from './state.ts';

/** Whether step t (1-based) adds its iterate to the Polyak–Ruppert average. */
export function averagesAt(config: OptimizerConfig, t: number): boolean {
  return config.averageFrom !== undefined && t >= config.averageFrom;
}

/**
 * The running mean after one more iterate, avg + (θ - avg) / k with k = count + 1,
 * written into `out` (which may be the average itself). The first iterate is
 * copied: the mean of one iterate is that iterate, whatever the buffer held.
 */
export function averageUpdate(average: Float64Array, count: number, theta: Float64Array, out: Float64Array): void {
  if (count === 0) {
    out.set(theta);
    return;
  }
  const k = count + 1;
  for (let j = 0; j < theta.length; j++) {
    const a = average[j] as number;
    out[j] = a + ((theta[j] as number) - a) / k;
  }
}

/** The state's average, which a step at an averaging point requires. */
export function requireAverage(state: TrainingState): { theta: Float64Array; count: number } {
  const average = state.average;
  if (average === undefined || average.theta.length !== state.theta.length) {
    throw new Error(`optimizerStep: averaging needs an average of length ${state.theta.length}; create the state with initialState(config, d) or continueTraining(state, config, trainedWith)`);
  }
  return average;
}
