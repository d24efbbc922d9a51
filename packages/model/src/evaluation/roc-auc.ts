import { checkSameLength } from './check-lengths.ts';

/**
 * Area under the ROC curve via the Mann–Whitney U statistic: the probability
 * that a random positive (label 1) scores above a random negative, ties
 * counting one half (tied scores share their average rank). NaN when either
 * class is absent, where the curve is undefined.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkSameLength('rocAuc', labels, scores, 'scores');
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) throw new Error(`rocAuc: score ${i} is NaN`);
  order.sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) end++;
    // Ranks start..end-1 (0-based) are tied; each gets their mean, 1-based.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k] as number] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
