/**
 * Cholesky factorisation A = L Lᵀ in place: `a` is d×d row-major, only its lower
 * triangle is read, and it is overwritten by L. False when A is not (numerically)
 * positive definite, with `a` then partly overwritten.
 */
export function choleskyInPlace(a: Float64Array, d: number): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j] as number;
      for (let k = 0; k < j; k++) sum -= (a[i * d + k] as number) * (a[j * d + k] as number);
      if (i === j) {
        // Also false for NaN: a pivot that is not > 0 cannot be square-rooted into a usable factor.
        if (!(sum > 0)) return false;
        a[i * d + i] = Math.sqrt(sum);
      } else {
        a[i * d + j] = sum / (a[j * d + j] as number);
      }
    }
  }
  return true;
}

/** Solves L Lᵀ x = b given the factor from choleskyInPlace; writes x into `out` (which may be `b`). */
export function choleskySolve(l: Float64Array, d: number, b: Float64Array, out: Float64Array): Float64Array {
  // Forward substitution L y = b, then back substitution Lᵀ x = y, both in `out`.
  for (let i = 0; i < d; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (l[i * d + k] as number) * (out[k] as number);
    out[i] = sum / (l[i * d + i] as number);
  }
  for (let i = d - 1; i >= 0; i--) {
    let sum = out[i] as number;
    for (let k = i + 1; k < d; k++) sum -= (l[k * d + i] as number) * (out[k] as number);
    out[i] = sum / (l[i * d + i] as number);
  }
  return out;
}
