import type { Batch } from '../matrix.ts';
import { predictLabel, probabilities } from '../predict.ts';
import { accuracy } from './accuracy.ts';
import { confusionMatrix, precisionRecallF1 } from './confusion.ts';
import type { ConfusionMatrix } from './confusion.ts';
import { logLoss } from './log-loss.ts';
import { rocAuc } from './roc-auc.ts';

export interface Evaluation {
  accuracy: number;
  logLoss: number;
  confusion: ConfusionMatrix;
  precision: number;
  recall: number;
  f1: number;
  auc: number;
}

/** All metrics of θ on a labelled batch, predicting rock when P(rock) ≥ 0.5. */
export function evaluate(theta: Float64Array, batch: Batch): Evaluation {
  const p = probabilities(theta, batch);
  const labels = batch.y.subarray(0, batch.n);
  const predictions = Uint8Array.from(p, predictLabel);
  const confusion = confusionMatrix(labels, predictions);
  return {
    accuracy: accuracy(labels, predictions),
    logLoss: logLoss(labels, p),
    confusion,
    ...precisionRecallF1(confusion),
    auc: rocAuc(labels, p),
  };
}
