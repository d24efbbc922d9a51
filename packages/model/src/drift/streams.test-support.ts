import type { Rng } from '../random.ts';

// Synthetic streams for the detector tests: a value per index t, drawn from the run's rng.

export function bernoulli(p: number, rng: Rng): number {
  return rng() < p ? 1 : 0;
}

/** Standard normal by Box–Muller; 1 - u keeps the logarithm's argument in (0, 1]. */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A stream drawing with `before` until index `changeAt`, then with `after`. */
export function changingAt(changeAt: number, before: (rng: Rng) => number, after: (rng: Rng) => number) {
  return (rng: Rng) =>
    (t: number): number =>
      t < changeAt ? before(rng) : after(rng);
}

/** A stream without change. */
export function stationary(draw: (rng: Rng) => number) {
  return (rng: Rng) => (): number => draw(rng);
}

export const SEEDS: readonly number[] = Array.from({ length: 20 }, (_, i) => 1000 + i);
