/** Uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast and good enough
 * for shuffling and splitting, and identical on every JS engine. The seed must
 * be an integer; it is reduced to 32 bits.
 */
export function seededRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new Error(`seededRng: seed must be an integer, got ${seed}`);
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, bound); checks the generator so a bad one fails loudly instead of skewing splits. */
export function randomIndex(rng: Rng, bound: number): number {
  const u = rng();
  if (!(u >= 0 && u < 1)) throw new Error(`random generator returned ${u}, expected a number in [0, 1)`);
  return Math.floor(u * bound);
}

/** Fisher–Yates shuffle; every permutation equally likely for a uniform rng. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(rng, i + 1);
    const item = items[i] as T;
    items[i] = items[j] as T;
    items[j] = item;
  }
  return items;
}
