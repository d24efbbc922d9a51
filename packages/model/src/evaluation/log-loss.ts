import { MeanAccumulator } from '../mean-accumulator.ts';
import { checkSameLength } from './check-lengths.ts';

/**
 * Mean cross-entropy of predicted probabilities, with each probability clipped
 * to [eps, 1 - eps] so a confident wrong answer costs -log(eps) instead of
 * Infinity. NaN for an empty set.
 */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>, eps = 1e-15): number {
  checkSameLength('logLoss', labels, probabilities, 'probabilities');
  if (!(eps > 0 && eps < 0.5)) throw new Error(`logLoss: eps must be in (0, 0.5), got ${eps}`);
  const mean = new MeanAccumulator();
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i] as number;
    if (Number.isNaN(p)) throw new Error(`logLoss: probability ${i} is NaN`);
    const clipped = Math.min(Math.max(p, eps), 1 - eps);
    const y = labels[i] as number;
    // Skip a zero-weighted term rather than multiply it: keeps the loss exact for 0/1 labels.
    mean.add(-((y === 0 ? 0 : y * Math.log(clipped)) + (y === 1 ? 0 : (1 - y) * Math.log1p(-clipped))));
  }
  return mean.mean();
}
