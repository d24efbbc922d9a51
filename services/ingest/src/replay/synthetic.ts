import { randomIndex, type Rng } from '@sonar/model';
import type { SourceRow } from './plan.ts';

const NOISE = 0.01;

/**
 * A new, realistic reading of a class: a random point between two real readings
 * of that class, plus a little Gaussian noise, kept within [0, 1] like the data.
 */
export function syntheticReading(sameClass: readonly SourceRow[], rng: Rng): Float64Array {
  const a = sameClass[randomIndex(rng, sameClass.length)]!.features;
  const b = sameClass[randomIndex(rng, sameClass.length)]!.features;
  const t = rng();
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) {
    const value = a[j]! + t * (b[j]! - a[j]!) + NOISE * gaussian(rng);
    out[j] = Math.round(Math.min(1, Math.max(0, value)) * 1e4) / 1e4;
  }
  return out;
}

/** Standard normal by Box–Muller; 1 - u keeps the logarithm finite. */
function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
