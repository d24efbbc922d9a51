import { validateOptimizerConfig } from './config.ts';
import type { OptimizerConfig } from './config.ts';

/**
 * Everything needed to continue training: coefficients, the number of steps
 * taken so far, and the optimizer's moments (null when the optimizer has none).
 */
export interface TrainingState {
  theta: Float64Array;
  step: number;
  /** Momentum's velocity v. */
  velocity: Float64Array | null;
  /** Adam's first moment estimate. */
  m: Float64Array | null;
  /** Adam's second (uncentred) moment estimate. */
  v: Float64Array | null;
  /** Polyak–Ruppert average of the iterates; absent when the model was never trained with averaging. */
  average?: AveragedIterate;
}

/**
 * The running mean of the iterates θ_t from step `averageFrom` on:
 * avg_k = avg_{k-1} + (θ_t - avg_{k-1}) / k, with `count` = k iterates so far
 * (0: none yet, and `theta` is zeros).
 * Reference: B. T. Polyak and A. B. Juditsky, "Acceleration of stochastic approximation by averaging", SIAM J. Control Optim. 30 (1992) 838–855.
 */
export interface AveragedIterate {
  theta: Float64Array;
  count: number;
}

/** θ = 0 of d coefficients, step 0, with zeroed moments for the optimizer that needs them. Throws on an invalid config. */
export function initialState(config: OptimizerConfig, d: number): TrainingState {
  const problems = validateOptimizerConfig(config);
  if (problems.length > 0) throw new Error(`invalid optimizer config: ${problems.join('; ')}`);
  if (!(Number.isSafeInteger(d) && d > 0)) throw new Error(`initialState: d must be a positive integer, got ${d}`);
  const state: TrainingState = { theta: new Float64Array(d), step: 0, ...zeroMoments(config, d) };
  if (config.averageFrom !== undefined) state.average = emptyAverage(d);
  return state;
}

function emptyAverage(d: number): AveragedIterate {
  return { theta: new Float64Array(d), count: 0 };
}

/** The coefficients to predict with: the averaged iterate once it averages any, else θ. */
export function predictionTheta(state: TrainingState): Float64Array {
  return state.average !== undefined && state.average.count > 0 ? state.average.theta : state.theta;
}

/** The moments an optimizer keeps, zeroed; null for those it does not use. */
function zeroMoments(config: OptimizerConfig, d: number): Pick<TrainingState, 'velocity' | 'm' | 'v'> {
  return {
    velocity: config.optimizer === 'momentum' ? new Float64Array(d) : null,
    m: config.optimizer === 'adam' ? new Float64Array(d) : null,
    v: config.optimizer === 'adam' ? new Float64Array(d) : null,
  };
}

/**
 * Starts the schedule over where theta stands, in place: step 0 (so α/√t and Adam's
 * bias correction begin again), zeroed moments, an empty iterate average. What a
 * trainer does after a detected drift, to adapt as fast as it first learnt.
 */
export function restartSchedule(state: TrainingState): void {
  state.step = 0;
  state.velocity?.fill(0);
  state.m?.fill(0);
  state.v?.fill(0);
  if (state.average !== undefined) state.average = emptyAverage(state.theta.length);
}

/** A deep copy sharing no memory with `state`. */
export function cloneState(state: TrainingState): TrainingState {
  const clone: TrainingState = {
    theta: state.theta.slice(),
    step: state.step,
    velocity: state.velocity?.slice() ?? null,
    m: state.m?.slice() ?? null,
    v: state.v?.slice() ?? null,
  };
  if (state.average !== undefined) clone.average = { theta: state.average.theta.slice(), count: state.average.count };
  return clone;
}

/**
 * The state to go on training with `config` from a state that `trainedWith` produced.
 * The same optimizer keeps its step count and moments. Another one keeps theta and
 * starts afresh from there: step 0 and zeroed moments of its own, none of the old
 * optimizer's (Adam's bias correction would otherwise run with zeroed moments and a
 * large step count, and a later switch back would resume stale moments). The
 * iterate average is kept while the config asks for one and the optimizer stays;
 * it starts empty when the config asks for one the state lacks, or afresh.
 */
export function continueTraining(state: TrainingState, config: OptimizerConfig, trainedWith: string | undefined): TrainingState {
  const d = state.theta.length;
  const zero = zeroMoments(config, d);
  const keepsItsMoments = (['velocity', 'm', 'v'] as const).every((k) => (zero[k] === null) === (state[k] === null));
  const same = trainedWith === config.optimizer && keepsItsMoments;
  const next: TrainingState = same ? { ...state } : { theta: state.theta, step: 0, ...zero };
  delete next.average;
  if (config.averageFrom !== undefined) next.average = same && state.average !== undefined ? state.average : emptyAverage(d);
  return next;
}
