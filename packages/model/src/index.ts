export { designMatrix, selectRows, sliceRows } from './matrix.ts';
export type { Batch } from './matrix.ts';
export { dot, sigmoid } from './sigmoid.ts';
export { logisticLoss, softplus } from './logistic-loss.ts';
export { MeanAccumulator } from './mean-accumulator.ts';
export { cost, l2Penalty, regularisedObjective } from './cost.ts';
export { gradient } from './gradient.ts';
export { batchPass } from './batch-pass.ts';
export { predictLabel, predictProbability, probabilities } from './predict.ts';
export { gradientDescent } from './descent.ts';
export type { DescentOptions, DescentResult } from './descent.ts';

export {
  DEFAULT_BETA1,
  DEFAULT_BETA2,
  DEFAULT_EPSILON,
  DEFAULT_MOMENTUM,
  OPTIMIZER_NAMES,
  SCHEDULES,
  validateOptimizerConfig,
} from './optimizers/config.ts';
export type { OptimizerConfig, OptimizerName, Schedule } from './optimizers/config.ts';
export { learningRate } from './optimizers/schedule.ts';
export { cloneState, continueTraining, initialState, predictionTheta, restartSchedule } from './optimizers/state.ts';
export type { AveragedIterate, TrainingState } from './optimizers/state.ts';
export { gradientStepInPlace, optimizerStep, optimizerStepInPlace } from './optimizers/step.ts';
export type { StepFailure, StepResult } from './optimizers/step.ts';
export { deserializeState, serializeState, stateFromJSON, stateToJSON } from './optimizers/serialize.ts';
export type { SerializedNumber, SerializedState } from './optimizers/serialize.ts';

export { accuracy } from './evaluation/accuracy.ts';
export { logLoss } from './evaluation/log-loss.ts';
export { confusionMatrix, precisionRecallF1 } from './evaluation/confusion.ts';
export type { ConfusionMatrix } from './evaluation/confusion.ts';
export { rocAuc } from './evaluation/roc-auc.ts';
export { evaluate } from './evaluation/evaluate.ts';
export type { Evaluation } from './evaluation/evaluate.ts';

export { randomIndex, seededRng, shuffleInPlace } from './random.ts';
export type { Rng } from './random.ts';
export { kFold, stratifiedSplit } from './split.ts';
export { largestRemainder } from './largest-remainder.ts';
export type { Split } from './split.ts';
export { batchFromRows, type LabeledRow } from './labeled-batch.ts';
export { AccuracyWindow } from './evaluation/accuracy-window.ts';
export { RollingMean } from './evaluation/rolling-mean.ts';
export { fit, type FitOptions, type FitResult } from './fit.ts';

export type { DriftDetector } from './drift/detector.ts';
export { PageHinkley } from './drift/page-hinkley.ts';
export type { PageHinkleyOptions, PageHinkleyParameters, PageHinkleyState } from './drift/page-hinkley.ts';
export { Adwin } from './drift/adwin.ts';
export type { AdwinLevel, AdwinOptions, AdwinParameters, AdwinState } from './drift/adwin.ts';
export { driftReport } from './drift/report.ts';
export type { DriftReport, DriftTrial, DriftTrialOptions } from './drift/report.ts';
export { newtonOptimum } from './optimum/newton.ts';
export type { NewtonOptions, NewtonResult } from './optimum/newton.ts';
