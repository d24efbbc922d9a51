import type { OptimizerName } from './config.ts';
import { firstNonFinite } from './finite.ts';
import type { TrainingState } from './state.ts';
import type { StepTarget } from './scratch.ts';

/**
 * Why a step was refused. 'non_finite_theta' also covers the optimizer's
 * moments (e.g. Adam's v overflowing to Infinity while θ stays finite).
 */
export type StepFailure = { ok: false; reason: 'non_finite_gradient' | 'non_finite_theta'; message: string };

/**
 * Null when every array the optimizer wrote is finite. The gradient is only
 * examined after a failure: a non-finite gradient always makes θ (or Adam's v)
 * non-finite, so the common path checks the outputs alone.
 */
export function checkNextState(
  optimizer: OptimizerName,
  averaged: boolean,
  t: number,
  alpha: number,
  g: Float64Array,
  state: TrainingState,
  next: StepTarget,
): StepFailure | null {
  let name: 'theta' | 'velocity' | 'm' | 'v' | 'average' = 'theta';
  let bad = firstNonFinite(next.theta);
  if (bad < 0 && optimizer === 'momentum' && next.velocity) {
    name = 'velocity';
    bad = firstNonFinite(next.velocity);
  }
  // θ stays finite when v overflows (it divides by √v), so Adam's moments need their own check.
  if (bad < 0 && optimizer === 'adam' && next.m && next.v) {
    name = 'm';
    bad = firstNonFinite(next.m);
    if (bad < 0) {
      name = 'v';
      bad = firstNonFinite(next.v);
    }
  }
  // The average is finite when θ is, except when θ - avg overflows near the largest double.
  if (bad < 0 && averaged && next.average) {
    name = 'average';
    bad = firstNonFinite(next.average);
  }
  if (bad < 0) return null;
  const badGradient = firstNonFinite(g);
  if (badGradient >= 0) {
    return {
      ok: false,
      reason: 'non_finite_gradient',
      message: `step ${t} refused: gradient[${badGradient}] is ${g[badGradient]}; the batch features or theta are too large for double precision`,
    };
  }
  return {
    ok: false,
    reason: 'non_finite_theta',
    message:
      `step ${t} refused: ${optimizer} would set ${name}[${bad}] to ${next[name]?.[bad]} ` +
      `(was ${name === 'average' ? state.average?.theta[bad] : state[name]?.[bad]}, gradient[${bad}] = ${g[bad]}, learning rate ${alpha}); lower alpha or rescale the features`,
  };
}
