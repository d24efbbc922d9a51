import { describe, expect, it } from 'vitest';
import { cost } from './cost.ts';
import { loadSonar } from '@sonar/dataset';
import { gradient } from './gradient.ts';
import { batchFromRows } from './labeled-batch.ts';
import type { Batch } from './matrix.ts';
import { seededRng } from './random.ts';

const rows = loadSonar();
const sonar = batchFromRows(rows);

/** Central differences (J(θ + h e_j) - J(θ - h e_j)) / 2h, with the step scaled to θ_j. */
function finiteDifferences(theta: Float64Array, batch: Batch, l2: number): Float64Array {
  const g = new Float64Array(theta.length);
  for (let j = 0; j < theta.length; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[j] as number));
    const plus = theta.slice();
    const minus = theta.slice();
    plus[j] = (plus[j] as number) + h;
    minus[j] = (minus[j] as number) - h;
    g[j] = (cost(plus, batch, l2) - cost(minus, batch, l2)) / (plus[j]! - minus[j]!);
  }
  return g;
}

function maxRelativeError(analytic: Float64Array, numeric: Float64Array): number {
  let worst = 0;
  for (let j = 0; j < analytic.length; j++) {
    const a = analytic[j] as number;
    const b = numeric[j] as number;
    // Floor on the scale so that a component that is essentially 0 is judged absolutely.
    worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-4));
  }
  return worst;
}

const randomTheta = (seed: number, scale: number) => {
  const rng = seededRng(seed);
  return Float64Array.from({ length: 61 }, () => (rng() * 2 - 1) * scale);
};

describe('gradient', () => {
  const cases = [
    { name: 'theta = 0', theta: new Float64Array(61), batch: sonar },
    { name: 'random theta, all rows', theta: randomTheta(1, 1), batch: sonar },
    { name: 'larger random theta, 30 rows', theta: randomTheta(2, 3), batch: batchFromRows(rows, [...Array(30).keys()].map((i) => i * 7)) },
  ];
  for (const { name, theta, batch } of cases) {
    for (const l2 of [0, 0.01, 0.1]) {
      it(`matches central finite differences of the cost (${name}, λ = ${l2})`, () => {
        const analytic = gradient(theta, batch, l2);
        const numeric = finiteDifferences(theta, batch, l2);
        expect(maxRelativeError(analytic, numeric)).toBeLessThanOrEqual(1e-6);
        // Guard against a vacuous pass on a zero gradient.
        expect(Math.max(...analytic.map(Math.abs))).toBeGreaterThan(1e-3);
      });
    }
  }

  it('adds λθ_j to every component except the bias', () => {
    const theta = randomTheta(5, 1);
    const plain = gradient(theta, sonar);
    const penalised = gradient(theta, sonar, 0.5);
    expect(penalised[0]).toBe(plain[0]);
    for (let j = 1; j < 61; j++) expect(penalised[j]! - plain[j]!).toBeCloseTo(0.5 * theta[j]!, 14);
  });

  it('writes into and returns the given output buffer, overwriting what was there', () => {
    const out = new Float64Array(61).fill(123);
    const theta = randomTheta(6, 1);
    expect(gradient(theta, sonar, 0, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(gradient(theta, sonar)));
  });

  it('is finite when h saturates to exactly 0 or 1', () => {
    for (const value of [1e6, -1e6, 1e300]) {
      const g = gradient(new Float64Array(61).fill(value), sonar, 0.01 / Math.max(1, Math.abs(value)));
      expect(g.every(Number.isFinite)).toBe(true);
    }
  });

  it('rejects a theta whose length does not match the batch, and an empty batch', () => {
    expect(() => gradient(new Float64Array(60), sonar)).toThrow(/61 columns/);
    expect(() => gradient(new Float64Array(61), batchFromRows([]))).toThrow(/no rows/);
  });
});
