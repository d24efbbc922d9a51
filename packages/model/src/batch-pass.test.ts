import { describe, expect, it } from 'vitest';
import { loadSonar } from '@sonar/dataset';
import { batchPass } from './batch-pass.ts';
import { cost } from './cost.ts';
import { gradient } from './gradient.ts';
import { batchFromRows } from './labeled-batch.ts';
import { designMatrix } from './matrix.ts';
import { probabilities } from './predict.ts';
import { seededRng } from './random.ts';

const bits = (a: Float64Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('batchPass', () => {
  const sonar = batchFromRows(loadSonar());
  const rng = seededRng(3);

  it.each([0, 0.01])('gives cost, probabilities and gradient bit for bit as cost(), probabilities() and gradient() (l2 %s)', (l2) => {
    for (let trial = 0; trial < 20; trial++) {
      const theta = Float64Array.from({ length: 61 }, () => (rng() - 0.5) * 4);
      const p = new Float64Array(sonar.n);
      const g = new Float64Array(61);
      const batchCost = batchPass(theta, sonar, l2, p, g);
      expect(batchCost).toBe(cost(theta, sonar));
      expect(bits(p)).toEqual(bits(probabilities(theta, sonar)));
      expect(bits(g)).toEqual(bits(gradient(theta, sonar, l2)));
    }
  });

  it('keeps a finite mean where the running sum overflows, as cost() does', () => {
    const batch = designMatrix([[1], [1], [1]], [0, 0, 0]);
    const theta = new Float64Array([0, 1.5e308]);
    expect(batchPass(theta, batch, 0, new Float64Array(3), new Float64Array(2))).toBe(cost(theta, batch));
  });

  it('refuses an empty batch and mismatched widths', () => {
    expect(() => batchPass(new Float64Array(61), batchFromRows([]), 0, new Float64Array(1), new Float64Array(61))).toThrow(/no rows/);
    expect(() => batchPass(new Float64Array(60), sonar, 0, new Float64Array(sonar.n), new Float64Array(60))).toThrow(/61 columns/);
  });
});
