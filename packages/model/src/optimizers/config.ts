export type OptimizerName = 'sgd' | 'momentum' | 'adam';
/** 'inverse-sqrt': α_t = α / √t, with t the step number starting at 1. */
export type Schedule = 'constant' | 'inverse-sqrt';

export interface OptimizerConfig {
  optimizer: OptimizerName;
  alpha: number;
  schedule?: Schedule;
  /** L2 strength λ; the bias is never penalised. */
  l2?: number;
  /** Momentum coefficient μ (default 0.9). */
  momentum?: number;
  /** Momentum only: evaluate the gradient at the look-ahead point θ + μv. */
  nesterov?: boolean;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /**
   * Polyak–Ruppert averaging: from this step on (1-based, counted in optimizer
   * steps, not readings) the state also keeps the running mean of the iterates θ_t.
   * Undefined: no averaging. 1 averages every iterate, like scikit-learn's
   * SGDClassifier(average=True).
   */
  averageFrom?: number;
}

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];
export const SCHEDULES: readonly Schedule[] = ['constant', 'inverse-sqrt'];
export const DEFAULT_MOMENTUM = 0.9;
// Kingma & Ba's recommended defaults.
export const DEFAULT_BETA1 = 0.9;
export const DEFAULT_BETA2 = 0.999;
export const DEFAULT_EPSILON = 1e-8;

/** Every problem with the configuration, as readable sentences; empty when valid. */
export function validateOptimizerConfig(config: OptimizerConfig): string[] {
  const problems: string[] = [];
  if (!OPTIMIZER_NAMES.includes(config.optimizer)) {
    problems.push(`optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got ${String(config.optimizer)}`);
  }
  if (!isFiniteNumber(config.alpha) || config.alpha <= 0) problems.push(`alpha must be a finite number > 0, got ${String(config.alpha)}`);
  if (config.schedule !== undefined && !SCHEDULES.includes(config.schedule)) {
    problems.push(`schedule must be one of ${SCHEDULES.join(', ')}, got ${String(config.schedule)}`);
  }
  if (config.l2 !== undefined && (!isFiniteNumber(config.l2) || config.l2 < 0)) {
    problems.push(`l2 must be a finite number >= 0, got ${String(config.l2)}`);
  }
  checkUnitInterval(problems, 'momentum', config.momentum);
  checkUnitInterval(problems, 'beta1', config.beta1);
  checkUnitInterval(problems, 'beta2', config.beta2);
  if (config.epsilon !== undefined && (!isFiniteNumber(config.epsilon) || config.epsilon <= 0)) {
    problems.push(`epsilon must be a finite number > 0, got ${String(config.epsilon)}`);
  }
  if (config.averageFrom !== undefined && !(Number.isSafeInteger(config.averageFrom) && config.averageFrom >= 1)) {
    problems.push(`averageFrom must be an integer >= 1, got ${String(config.averageFrom)}`);
  }
  if (config.nesterov !== undefined && typeof config.nesterov !== 'boolean') {
    problems.push(`nesterov must be true or false, got ${String(config.nesterov)}`);
  }
  // Unused parameters (say beta1 for sgd) are allowed so one config file can hold them all,
  // but asking for Nesterov with another optimizer would silently train something else.
  if (config.nesterov === true && config.optimizer !== 'momentum') problems.push('nesterov applies only to the momentum optimizer');
  return problems;
}

function checkUnitInterval(problems: string[], name: string, value: number | undefined): void {
  // 1 is excluded: the moving average would never forget (and Adam's bias correction divides by 0).
  if (value !== undefined && (!isFiniteNumber(value) || value < 0 || value >= 1)) {
    problems.push(`${name} must be a number in [0, 1), got ${String(value)}`);
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
