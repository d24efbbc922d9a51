/**
 * Cross-entropy of one row, -[y log h + (1 - y) log(1 - h)] with h = sigmoid(z),
 * rewritten as softplus(z) - y z = log(1 + e^z) - y z.
 *
 * Splitting on the sign of z keeps e^x ≤ 1 (no overflow) and, for 0/1 labels,
 * adds two non-negative terms (no cancellation), so a saturated h (exactly 0 or 1
 * in floating point) still gives the exact finite loss instead of log(0).
 */
export function logisticLoss(z: number, y: number): number {
  if (z >= 0) {
    const wrongSide = 1 - y;
    // Skip the product when it is zero so that z = +Infinity with y = 1 gives 0, not NaN.
    return Math.log1p(Math.exp(-z)) + (wrongSide === 0 ? 0 : wrongSide * z);
  }
  return Math.log1p(Math.exp(z)) - (y === 0 ? 0 : y * z);
}

/** log(1 + e^z) without overflow: max(z, 0) + log1p(e^-|z|). */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}
