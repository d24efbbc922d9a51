import { checkSameLength } from './check-lengths.ts';

/** Fraction of predictions equal to the label; NaN for an empty set (undefined, not 0 or 1). */
export function accuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  checkSameLength('accuracy', labels, predictions, 'predictions');
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) correct++;
  return correct / labels.length;
}
