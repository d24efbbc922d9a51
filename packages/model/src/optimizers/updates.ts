// Update rules for one step. Each writes into `out*` arrays and reads each
// coordinate before writing it, so an output may alias its input.

/** Plain gradient step, exactly the derivation's θ ← θ - α∇J. */
export function sgdUpdate(theta: Float64Array, g: Float64Array, alpha: number, outTheta: Float64Array): void {
  for (let j = 0; j < theta.length; j++) outTheta[j] = (theta[j] as number) - alpha * (g[j] as number);
}

/**
 * Classical momentum in the velocity form v ← μv - αg, θ ← θ + v (Sutskever et al. 2013).
 * For Nesterov the caller evaluates g at θ + μv instead of θ; the update is the same.
 */
export function momentumUpdate(
  theta: Float64Array,
  velocity: Float64Array,
  g: Float64Array,
  alpha: number,
  mu: number,
  outTheta: Float64Array,
  outVelocity: Float64Array,
): void {
  for (let j = 0; j < theta.length; j++) {
    const v = mu * (velocity[j] as number) - alpha * (g[j] as number);
    outVelocity[j] = v;
    outTheta[j] = (theta[j] as number) + v;
  }
}

export interface AdamParameters {
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step number, for the bias correction. */
  t: number;
}

/** Adam (Kingma & Ba 2015, Algorithm 1) with bias-corrected moments. */
export function adamUpdate(
  theta: Float64Array,
  m: Float64Array,
  v: Float64Array,
  g: Float64Array,
  p: AdamParameters,
  outTheta: Float64Array,
  outM: Float64Array,
  outV: Float64Array,
): void {
  const { alpha, beta1, beta2, epsilon, t } = p;
  // The moments start at zero, so early averages are biased toward zero by exactly these factors.
  const correction1 = 1 - beta1 ** t;
  const correction2 = 1 - beta2 ** t;
  for (let j = 0; j < theta.length; j++) {
    const gj = g[j] as number;
    const mj = beta1 * (m[j] as number) + (1 - beta1) * gj;
    const vj = beta2 * (v[j] as number) + (1 - beta2) * gj * gj;
    outM[j] = mj;
    outV[j] = vj;
    outTheta[j] = (theta[j] as number) - (alpha * (mj / correction1)) / (Math.sqrt(vj / correction2) + epsilon);
  }
}
