import type { Batch } from '../matrix.ts';
import { computeStep } from './compute-step.ts';
import { averagesAt } from './averaging.ts';
import type { OptimizerConfig } from './config.ts';
import { scratchFor } from './scratch.ts';
import type { StepTarget } from './scratch.ts';
import type { TrainingState } from './state.ts';
import type { StepFailure } from './step-failure.ts';

export type { StepFailure } from './step-failure.ts';
export type StepResult = { ok: true; state: TrainingState } | StepFailure;

/**
 * One optimizer step on a mini-batch. Returns a new state and never modifies
 * `state`; a step that would produce a non-finite number is refused. Moments
 * the optimizer does not use, and an average the config does not extend, are
 * carried over as copies. The config is assumed
 * valid (see validateOptimizerConfig); a state lacking the optimizer's moments throws.
 */
export function optimizerStep(state: TrainingState, batch: Batch, config: OptimizerConfig): StepResult {
  const d = state.theta.length;
  const target: StepTarget = {
    theta: new Float64Array(d),
    velocity: state.velocity ? new Float64Array(d) : null,
    m: state.m ? new Float64Array(d) : null,
    v: state.v ? new Float64Array(d) : null,
    average: state.average ? new Float64Array(d) : null,
  };
  const failure = computeStep(state, batch, config, target);
  if (failure) return failure;
  // Unused moments were not written by computeStep; copy them so nothing is shared or lost.
  if (config.optimizer !== 'momentum' && state.velocity) target.velocity = state.velocity.slice();
  if (config.optimizer !== 'adam' && state.m) target.m = state.m.slice();
  if (config.optimizer !== 'adam' && state.v) target.v = state.v.slice();
  const next: TrainingState = { theta: target.theta, step: state.step + 1, velocity: target.velocity, m: target.m, v: target.v };
  if (state.average) {
    const averaged = averagesAt(config, next.step);
    next.average = averaged
      ? { theta: target.average as Float64Array, count: state.average.count + 1 }
      : { theta: state.average.theta.slice(), count: state.average.count };
  }
  return { ok: true, state: next };
}

/**
 * Same step without allocating: the new values are computed into scratch
 * buffers, checked, and only then copied into `state`, which is returned.
 * On failure `state` is untouched. `gradientAtTheta`: ∇J_λ at the state's θ when
 * already computed (see batchPass), so the batch is not gone over again.
 */
export function optimizerStepInPlace(state: TrainingState, batch: Batch, config: OptimizerConfig, gradientAtTheta?: Float64Array): StepResult {
  const scratch = scratchFor(state.theta.length);
  const failure = computeStep(state, batch, config, scratch.next, gradientAtTheta);
  if (failure) return failure;
  state.theta.set(scratch.next.theta);
  if (config.optimizer === 'momentum') (state.velocity as Float64Array).set(scratch.next.velocity as Float64Array);
  if (config.optimizer === 'adam') {
    (state.m as Float64Array).set(scratch.next.m as Float64Array);
    (state.v as Float64Array).set(scratch.next.v as Float64Array);
  }
  if (state.average && averagesAt(config, state.step + 1)) {
    state.average.theta.set(scratch.next.average as Float64Array);
    state.average.count += 1;
  }
  state.step += 1;
  return { ok: true, state };
}

/**
 * An optimizer step from a data gradient computed elsewhere: a parallel-mode
 * worker's X^T(h - y) summed over `n` readings at the θ it held. The mean is taken
 * and the L2 term added at this state's θ (the bias not penalised), then the step
 * is optimizerStepInPlace's. Nesterov momentum needs the gradient at a look-ahead
 * point the worker never saw, so it throws (configs refuse it in parallel mode).
 */
export function gradientStepInPlace(state: TrainingState, gradientSum: Float64Array, n: number, config: OptimizerConfig): StepResult {
  if (config.optimizer === 'momentum' && config.nesterov) throw new Error('gradientStepInPlace: Nesterov momentum needs the gradient at its look-ahead point');
  const d = state.theta.length;
  if (gradientSum.length !== d) throw new Error(`gradientStepInPlace: the gradient has ${gradientSum.length} numbers, theta ${d}`);
  if (!(n >= 1)) throw new Error(`gradientStepInPlace: n must be at least 1, got ${n}`);
  const l2 = config.l2 ?? 0;
  const g = gradientBuffer(d);
  g[0] = (gradientSum[0] as number) / n;
  for (let j = 1; j < d; j++) g[j] = (gradientSum[j] as number) / n + l2 * (state.theta[j] as number);
  // No rows are gone over: the gradient at θ is given.
  return optimizerStepInPlace(state, { x: EMPTY, y: EMPTY, n: 0, d }, config, g);
}

const EMPTY = new Float64Array(0);
const gradientBuffers = new Map<number, Float64Array>();

function gradientBuffer(d: number): Float64Array {
  let buffer = gradientBuffers.get(d);
  if (!buffer) gradientBuffers.set(d, (buffer = new Float64Array(d)));
  return buffer;
}
