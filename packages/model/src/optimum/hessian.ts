import type { Batch } from '../matrix.ts';
import { dot, sigmoid } from '../sigmoid.ts';

/**
 * Lower triangle of the Hessian of J_λ: Xᵀ W X / n + λ I', with W = diag(h(1 - h))
 * and I' the identity without its bias entry (the bias is not penalised).
 * Written into `out`, d×d row-major; the upper triangle is left untouched.
 */
export function logisticHessian(theta: Float64Array, batch: Batch, l2: number, out: Float64Array): Float64Array {
  const { x, n, d } = batch;
  for (let a = 0; a < d; a++) out.fill(0, a * d, a * d + a + 1);
  for (let i = 0; i < n; i++) {
    const offset = i * d;
    const h = sigmoid(dot(theta, x, offset, d));
    const w = (h * (1 - h)) / n;
    for (let a = 0; a < d; a++) {
      const wa = w * (x[offset + a] as number);
      for (let b = 0; b <= a; b++) out[a * d + b] = (out[a * d + b] as number) + wa * (x[offset + b] as number);
    }
  }
  for (let a = 1; a < d; a++) out[a * d + a] = (out[a * d + a] as number) + l2;
  return out;
}
