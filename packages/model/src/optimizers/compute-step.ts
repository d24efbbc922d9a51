import type { Batch } from '../matrix.ts';
import { gradient } from '../gradient.ts';
import { assertThetaMatches } from '../shape.ts';
import type { OptimizerConfig } from './config.ts';
import { DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, DEFAULT_MOMENTUM } from './config.ts';
import { averagesAt, averageUpdate, requireAverage } from './averaging.ts';
import { learningRate } from './schedule.ts';
import { scratchFor } from './scratch.ts';
import type { StepTarget } from './scratch.ts';
import type { TrainingState } from './state.ts';
import { checkNextState } from './step-failure.ts';
import type { StepFailure } from './step-failure.ts';
import { adamUpdate, momentumUpdate, sgdUpdate } from './updates.ts';

/**
 * Writes the optimizer's next θ and moments into `target`, and the next average
 * when this step averages; returns why not when any of them is not finite.
 * `gradientAtTheta`, when given, is ∇J_λ at the state's θ, already computed (by
 * batchPass): every optimizer but Nesterov's takes its gradient there.
 */
export function computeStep(state: TrainingState, batch: Batch, config: OptimizerConfig, target: StepTarget, gradientAtTheta?: Float64Array): StepFailure | null {
  const { theta } = state;
  assertThetaMatches(theta, batch, 'optimizerStep');
  const t = state.step + 1;
  const alpha = learningRate(config, t);
  const l2 = config.l2 ?? 0;
  const scratch = scratchFor(theta.length);
  const g = scratch.gradient;
  const gradientAt = (point: Float64Array) => {
    if (gradientAtTheta && point === theta) g.set(gradientAtTheta);
    else gradient(point, batch, l2, g);
  };
  switch (config.optimizer) {
    case 'sgd':
      gradientAt(theta);
      sgdUpdate(theta, g, alpha, target.theta);
      break;
    case 'momentum': {
      const velocity = requireMoment(state.velocity, 'velocity', state, config);
      const targetVelocity = requireMoment(target.velocity, 'velocity', state, config);
      const mu = config.momentum ?? DEFAULT_MOMENTUM;
      gradientAt(config.nesterov ? lookAhead(theta, velocity, mu, scratch.lookAhead) : theta);
      momentumUpdate(theta, velocity, g, alpha, mu, target.theta, targetVelocity);
      break;
    }
    case 'adam': {
      const m = requireMoment(state.m, 'm', state, config);
      const v = requireMoment(state.v, 'v', state, config);
      gradientAt(theta);
      const beta1 = config.beta1 ?? DEFAULT_BETA1;
      const beta2 = config.beta2 ?? DEFAULT_BETA2;
      const epsilon = config.epsilon ?? DEFAULT_EPSILON;
      const parameters = { alpha, beta1, beta2, epsilon, t };
      adamUpdate(theta, m, v, g, parameters, target.theta, requireMoment(target.m, 'm', state, config), requireMoment(target.v, 'v', state, config));
      break;
    }
    default:
      throw new Error(`optimizerStep: unknown optimizer ${String((config as { optimizer: unknown }).optimizer)}`);
  }
  const averaged = averagesAt(config, t);
  if (averaged) {
    const average = requireAverage(state);
    averageUpdate(average.theta, average.count, target.theta, requireMoment(target.average, 'average', state, config));
  }
  return checkNextState(config.optimizer, averaged, t, alpha, g, state, target);
}

/** θ + μv, where Nesterov momentum evaluates the gradient. */
function lookAhead(theta: Float64Array, velocity: Float64Array, mu: number, out: Float64Array): Float64Array {
  for (let j = 0; j < theta.length; j++) out[j] = (theta[j] as number) + mu * (velocity[j] as number);
  return out;
}

function requireMoment(moment: Float64Array | null, name: string, state: TrainingState, config: OptimizerConfig): Float64Array {
  if (moment === null || moment.length !== state.theta.length) {
    throw new Error(`optimizerStep: ${config.optimizer} needs ${name} of length ${state.theta.length}; create the state with initialState(config)`);
  }
  return moment;
}
