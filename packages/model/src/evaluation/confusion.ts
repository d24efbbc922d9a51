import { checkSameLength } from './check-lengths.ts';

/** Counts with rock (label 1) as the positive class. */
export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>): ConfusionMatrix {
  checkSameLength('confusionMatrix', labels, predictions, 'predictions');
  const cm: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const actual = labels[i] === 1;
    const predicted = predictions[i] === 1;
    if (predicted && actual) cm.tp++;
    else if (predicted) cm.fp++;
    else if (actual) cm.fn++;
    else cm.tn++;
  }
  return cm;
}

/**
 * Precision tp/(tp+fp), recall tp/(tp+fn) and their harmonic mean F1.
 * A ratio with a zero denominator is defined as 0 (as scikit-learn's
 * zero_division=0): no positive predictions means no precision credit.
 */
export function precisionRecallF1(cm: ConfusionMatrix): { precision: number; recall: number; f1: number } {
  const precision = ratio(cm.tp, cm.tp + cm.fp);
  const recall = ratio(cm.tp, cm.tp + cm.fn);
  // 2PR/(P+R) = 2tp/(2tp+fp+fn): the count form avoids rounding in P and R.
  const f1 = ratio(2 * cm.tp, 2 * cm.tp + cm.fp + cm.fn);
  return { precision, recall, f1 };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
