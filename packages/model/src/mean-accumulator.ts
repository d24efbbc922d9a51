/**
 * Mean of a stream of numbers, nearly correctly rounded.
 *
 * Plain `sum / n` drifts by a few ulps: 208 copies of ln 2 summed and divided by
 * 208 is not ln 2. The sum is kept as an unevaluated pair (sum + compensation,
 * Neumaier's variant of Kahan summation), and the final division recovers its
 * exact remainder, so the mean of n equal values is that value for every n and
 * J(0) = ln 2 holds exactly.
 */
export class MeanAccumulator {
  private sum = 0;
  private compensation = 0;
  private count = 0;

  add(value: number): void {
    const sum = this.sum;
    const next = sum + value;
    // The rounding error of `sum + value` is exactly representable; keep it.
    if (Math.abs(sum) >= Math.abs(value)) this.compensation += sum - next + value;
    else this.compensation += value - next + sum;
    this.sum = next;
    this.count++;
  }

  /** Mean of the values added so far; NaN when nothing was added. */
  mean(): number {
    const { sum, compensation, count } = this;
    const quotient = sum / count;
    // Dekker's product splits q beyond ~1e300 into overflowing halves: skip the refinement there.
    if (!Number.isFinite(quotient) || Math.abs(quotient) > 1e300) return quotient;
    const product = quotient * count;
    // sum - product is exact (Sterbenz), so the remainder is exact up to the compensation's rounding.
    const remainder = sum - product - twoProductError(quotient, count, product) + compensation;
    return quotient + remainder / count;
  }
}

/** a * b - fl(a * b), exactly (Dekker's TwoProduct with Veltkamp splitting). */
function twoProductError(a: number, b: number, product: number): number {
  const SPLITTER = 134217729; // 2^27 + 1
  let t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  t = SPLITTER * b;
  const bHigh = t - (t - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
}
