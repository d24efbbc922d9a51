import { describe, expect, it } from 'vitest';
import { cost, l2Penalty } from './cost.ts';
import { loadSonar } from '@sonar/dataset';
import { batchFromRows } from './labeled-batch.ts';
import { designMatrix } from './matrix.ts';
import { seededRng } from './random.ts';
import { sigmoid } from './sigmoid.ts';
import { stratifiedSplit } from './split.ts';

const rows = loadSonar();
const sonar = batchFromRows(rows);

function textbookCost(theta: Float64Array, features: Float64Array[], labels: number[]): number {
  let sum = 0;
  features.forEach((f, i) => {
    let z = theta[0] as number;
    f.forEach((v, j) => (z += v * (theta[j + 1] as number)));
    const h = sigmoid(z);
    const y = labels[i] as number;
    sum += y * Math.log(h) + (1 - y) * Math.log(1 - h);
  });
  return -sum / features.length;
}

describe('cost', () => {
  it('is exactly ln 2 at theta = 0 on all 208 rows', () => {
    expect(sonar.n).toBe(208);
    expect(cost(new Float64Array(61), sonar)).toBe(Math.LN2);
  });

  it('is exactly ln 2 at theta = 0 on the 166-row training split', () => {
    const { train } = stratifiedSplit(
      rows.map((r) => r.label),
      0.2,
      seededRng(42),
    );
    const subset = batchFromRows(rows, train);
    expect(subset.n).toBe(166);
    expect(cost(new Float64Array(61), subset)).toBe(Math.LN2);
  });

  it('matches the textbook formula at a non-zero theta', () => {
    const rng = seededRng(3);
    const theta = Float64Array.from({ length: 61 }, () => rng() * 2 - 1);
    const expected = textbookCost(
      theta,
      rows.map((r) => r.features),
      rows.map((r) => r.label),
    );
    expect(cost(theta, sonar)).toBeCloseTo(expected, 12);
  });

  it('adds (λ/2) Σ θ_j² over j ≥ 1 only', () => {
    const theta = new Float64Array(61);
    theta[0] = 100; // the bias: must not be penalised
    theta[1] = 3;
    theta[60] = -4;
    expect(l2Penalty(theta, 0.1)).toBeCloseTo((0.1 / 2) * 25, 15);
    expect(cost(theta, sonar, 0.1) - cost(theta, sonar)).toBeCloseTo(1.25, 12);
  });

  it('is finite, and exact, when every h is exactly 0 or 1', () => {
    const theta = new Float64Array(61).fill(1000);
    // Every score is ≥ 1000, so h is exactly 1 on every row and log(1 - h) = -Infinity for the mines.
    expect(sigmoid(1000)).toBe(1);
    const textbook = textbookCost(theta, rows.map((r) => r.features), rows.map((r) => r.label));
    expect(Number.isFinite(textbook)).toBe(false);
    // Rocks cost e^-z ≈ 0; a mine costs its score z = 1000 (1 + Σ features).
    const mineScores = rows.filter((r) => r.label === 0).map((r) => 1000 * (1 + r.features.reduce((a, b) => a + b, 0)));
    const expected = mineScores.reduce((a, b) => a + b, 0) / rows.length;
    expect(cost(theta, sonar) / expected).toBeCloseTo(1, 12);
    for (const t of [theta, new Float64Array(61).fill(-1000), new Float64Array(61).fill(1e150)]) {
      const c = cost(t, sonar, 0.01);
      expect(Number.isFinite(c)).toBe(true);
      expect(c).toBeGreaterThan(0);
    }
  });

  it('refuses an empty batch instead of returning 0/0', () => {
    expect(() => cost(new Float64Array(61), batchFromRows([]))).toThrow(/no rows/);
  });

  it('stays finite when the sum of row losses would overflow a double', () => {
    const batch = designMatrix([[1], [1], [1]], [0, 0, 0]);
    const theta = new Float64Array([0, 1.5e308]);
    expect(cost(theta, batch)).toBe(1.5e308);
  });
});
