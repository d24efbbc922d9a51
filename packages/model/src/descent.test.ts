import { describe, expect, it } from 'vitest';
import { cost } from './cost.ts';
import { loadSonar } from '@sonar/dataset';
import { gradientDescent } from './descent.ts';
import { gradient } from './gradient.ts';
import { batchFromRows } from './labeled-batch.ts';
import { designMatrix } from './matrix.ts';

const sonar = batchFromRows(loadSonar());

describe('gradientDescent', () => {
  it('records the cost before and after every update, and it decreases', () => {
    const seen: [number, number][] = [];
    const { theta, costs } = gradientDescent(sonar, { alpha: 0.5, iterations: 50, onIteration: (i, c) => seen.push([i, c]) });
    expect(costs.length).toBe(51);
    expect(costs[0]).toBe(Math.LN2);
    for (let i = 1; i <= 50; i++) expect(costs[i]).toBeLessThan(costs[i - 1]!);
    expect(costs[50]).toBe(cost(theta, sonar));
    expect(seen.map(([i]) => i)).toEqual(Array.from({ length: 50 }, (_, k) => k + 1));
    expect(seen.map(([, c]) => c)).toEqual(Array.from(costs.subarray(1)));
  });

  it('takes exactly one step θ - α∇J(θ) per iteration from the given start, without modifying it', () => {
    const start = new Float64Array(61).fill(0.01);
    const { theta } = gradientDescent(sonar, { alpha: 0.3, iterations: 1, l2: 0.1, theta: start });
    const g = gradient(start, sonar, 0.1);
    for (let j = 0; j < 61; j++) expect(theta[j]).toBe(0.01 - 0.3 * g[j]!);
    expect(start.every((v) => v === 0.01)).toBe(true);
  });

  it('throws, naming the coefficient, when an update would overflow', () => {
    const huge = designMatrix([[1e300], [1e300]], [1, 0]);
    const start = new Float64Array([0, 1e-300]);
    expect(() => gradientDescent(huge, { alpha: 1e300, iterations: 3, theta: start })).toThrow(/update 1 would make theta\[1\] -?Infinity/);
  });

  it('rejects a non-positive alpha and a fractional iteration count', () => {
    expect(() => gradientDescent(sonar, { alpha: 0, iterations: 1 })).toThrow(/alpha/);
    expect(() => gradientDescent(sonar, { alpha: 0.1, iterations: 1.5 })).toThrow(/iterations/);
  });
});
