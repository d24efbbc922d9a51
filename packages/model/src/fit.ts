import type { LabeledRow } from './labeled-batch.ts';
import { gradientDescent } from './descent.ts';
import { cost } from './cost.ts';
import { evaluate, type Evaluation } from './evaluation/evaluate.ts';
import { batchFromRows } from './labeled-batch.ts';
import type { OptimizerName } from './optimizers/config.ts';
import { initialState } from './optimizers/state.ts';
import { optimizerStepInPlace } from './optimizers/step.ts';
import { seededRng } from './random.ts';
import { stratifiedSplit } from './split.ts';

export interface FitOptions {
  alpha: number;
  iterations: number;
  l2: number;
  optimizer: OptimizerName;
  /** Rows to train on; the others are the test set. Default: a stratified split by testSize and seed. */
  trainRows?: readonly number[] | undefined;
  testSize: number;
  seed: number;
}

export interface FitResult {
  theta: Float64Array;
  /** The objective minimised, J_λ (J when λ = 0), at the start and after every iteration. */
  costs: Float64Array;
  /** The final training cost J(θ): the mean cross-entropy, without the penalty. */
  cost: number;
  /** The final regularised objective J_λ(θ) = J(θ) + (λ/2)·Σ_{j≥1} θ_j²; equal to `cost` when λ = 0. */
  objective: number;
  trainRows: number[];
  testRows: number[];
  train: Evaluation;
  test: Evaluation | undefined;
}

/**
 * Offline full-batch training, the reference the stream is compared with: with
 * sgd it is exactly the derivation's gradient descent; momentum and Adam take
 * the same full-batch gradient through their own update.
 */
export function fit(rows: readonly LabeledRow[], options: FitOptions): FitResult {
  const trainRows = options.trainRows
    ? [...options.trainRows].sort((a, b) => a - b)
    : stratifiedSplit(rows.map((r) => r.label), options.testSize, seededRng(options.seed)).train;
  const inTrain = new Set(trainRows);
  const testRows = rows.map((_, i) => i).filter((i) => !inTrain.has(i));
  const train = batchFromRows(rows, trainRows);
  const { theta, costs } =
    options.optimizer === 'sgd'
      ? gradientDescent(train, { alpha: options.alpha, iterations: options.iterations, l2: options.l2 })
      : withOptimizer(train, options);
  return {
    theta,
    costs,
    cost: cost(theta, train),
    objective: costs[costs.length - 1]!,
    trainRows,
    testRows,
    train: evaluate(theta, train),
    test: testRows.length > 0 ? evaluate(theta, batchFromRows(rows, testRows)) : undefined,
  };
}

function withOptimizer(train: ReturnType<typeof batchFromRows>, options: FitOptions) {
  const config = { optimizer: options.optimizer, alpha: options.alpha, l2: options.l2 };
  const state = initialState(config, train.d);
  const costs = new Float64Array(options.iterations + 1);
  costs[0] = cost(state.theta, train, options.l2);
  for (let i = 1; i <= options.iterations; i++) {
    const result = optimizerStepInPlace(state, train, config);
    if (!result.ok) throw new Error(`iteration ${i}: ${result.message}`);
    costs[i] = cost(state.theta, train, options.l2);
  }
  return { theta: state.theta, costs };
}
