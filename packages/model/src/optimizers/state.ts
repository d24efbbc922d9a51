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
}

/** θ = 0 of d coefficients, step 0, with zeroed moments for the optimizer that needs them. Throws on an invalid config. */
export function initialState(config: OptimizerConfig, d: number): TrainingState {
  const problems = validateOptimizerConfig(config);
  if (problems.length > 0) throw new Error(`invalid optimizer config: ${problems.join('; ')}`);
  if (!(Number.isSafeInteger(d) && d > 0)) throw new Error(`initialState: d must be a positive integer, got ${d}`);
  return { theta: new Float64Array(d), step: 0, ...zeroMoments(config, d) };
}

/** The moments an optimizer keeps, zeroed; null for those it does not use. */
function zeroMoments(config: OptimizerConfig, d: number): Pick<TrainingState, 'velocity' | 'm' | 'v'> {
  return {
    velocity: config.optimizer === 'momentum' ? new Float64Array(d) : null,
    m: config.optimizer === 'adam' ? new Float64Array(d) : null,
    v: config.optimizer === 'adam' ? new Float64Array(d) : null,
  };
}

/** A deep copy sharing no memory with `state`. */
export function cloneState(state: TrainingState): TrainingState {
  return {
    theta: state.theta.slice(),
    step: state.step,
    velocity: state.velocity?.slice() ?? null,
    m: state.m?.slice() ?? null,
    v: state.v?.slice() ?? null,
  };
}

/**
 * The state to go on training with `config` from a state that `trainedWith` produced.
 * The same optimizer keeps its step count and moments. Another one keeps theta and
 * starts afresh from there: step 0 and zeroed moments of its own, none of the old
 * optimizer's (Adam's bias correction would otherwise run with zeroed moments and a
 * large step count, and a later switch back would resume stale moments).
 */
export function continueTraining(state: TrainingState, config: OptimizerConfig, trainedWith: string | undefined): TrainingState {
  const zero = zeroMoments(config, state.theta.length);
  const keepsItsMoments = (['velocity', 'm', 'v'] as const).every((k) => (zero[k] === null) === (state[k] === null));
  if (trainedWith === config.optimizer && keepsItsMoments) return state;
  return { theta: state.theta, step: 0, ...zero };
}
