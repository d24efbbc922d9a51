/**
 * Logistic function 1 / (1 + e^-z), finite and accurate for every finite z.
 * Each branch only exponentiates a non-positive number, so e^x never overflows.
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** theta · x[offset .. offset + d): the linear score of one row of a design matrix. */
export function dot(theta: Float64Array, x: Float64Array, offset: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += (theta[j] as number) * (x[offset + j] as number);
  return sum;
}
