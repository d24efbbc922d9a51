import { describe, expect, it } from 'vitest';
import { loadSonar } from '@sonar/dataset';
import { batchFromRows } from '../labeled-batch.ts';
import { sliceRows } from '../matrix.ts';
import type { OptimizerConfig } from './config.ts';
import { deserializeState, serializeState, stateFromJSON, stateToJSON } from './serialize.ts';
import { initialState } from './state.ts';
import type { TrainingState } from './state.ts';
import { optimizerStepInPlace } from './step.ts';

const sonar = batchFromRows(loadSonar());

const bytes = (a: Float64Array | null) => (a === null ? null : Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));

function expectBitIdentical(actual: TrainingState, expected: TrainingState): void {
  expect(actual.step).toBe(expected.step);
  for (const key of ['theta', 'velocity', 'm', 'v'] as const) expect(bytes(actual[key])).toEqual(bytes(expected[key]));
  expect('average' in actual).toBe('average' in expected);
  expect(actual.average?.count).toBe(expected.average?.count);
  expect(bytes(actual.average?.theta ?? null)).toEqual(bytes(expected.average?.theta ?? null));
}

describe('serializeState / deserializeState', () => {
  const configs: OptimizerConfig[] = [
    { optimizer: 'sgd', alpha: 0.3, l2: 0.01 },
    { optimizer: 'momentum', alpha: 0.1 },
    { optimizer: 'momentum', alpha: 0.1, nesterov: true },
    { optimizer: 'adam', alpha: 0.01, schedule: 'inverse-sqrt' },
    { optimizer: 'sgd', alpha: 0.3, l2: 0.01, averageFrom: 10 },
    { optimizer: 'adam', alpha: 0.01, averageFrom: 1 },
  ];

  it.each(configs)('round-trips a $optimizer state bit for bit after some mini-batch steps', (config) => {
    const state = initialState(config, 61);
    for (let i = 0; i < 25; i++) {
      const result = optimizerStepInPlace(state, sliceRows(sonar, (i * 8) % 200, ((i * 8) % 200) + 8), config);
      if (!result.ok) throw new Error(result.message);
    }
    expect(state.theta.some((t) => t !== 0)).toBe(true);
    expectBitIdentical(deserializeState(serializeState(state)), state);
  });

  it('preserves -0, subnormals, the largest double and inexact sums', () => {
    const special = [-0, 0, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308, 0.1 + 0.2, 2.2250738585072014e-308, 1 / 3];
    const state: TrainingState = {
      theta: Float64Array.from(special),
      step: 7,
      velocity: Float64Array.from(special).reverse(),
      m: null,
      v: Float64Array.from(special, Math.abs),
    };
    const json = serializeState(state);
    expect(json).toContain('"-0"'); // plain JSON would write -0 as 0
    const restored = deserializeState(json);
    expect(Object.is(restored.theta[0], -0)).toBe(true);
    expect(restored.m).toBeNull();
    expectBitIdentical(restored, state);
  });

  it('reads a state written before averaging existed, and writes a state without average as it did', () => {
    const old = '{"version":1,"step":3,"theta":[0.5,-0.25],"velocity":null,"m":null,"v":null}';
    const state = deserializeState(old);
    expect('average' in state).toBe(false);
    expect(serializeState(state)).toBe(old);
    expect('average' in deserializeState('{"version":1,"step":3,"theta":[0.5,-0.25],"average":null}')).toBe(false);
  });

  it('round-trips an average holding -0 and awkward doubles', () => {
    const state: TrainingState = {
      theta: Float64Array.from([1, 2, 3]),
      step: 9,
      velocity: null,
      m: null,
      v: null,
      average: { theta: Float64Array.from([-0, 0.1 + 0.2, 5e-324]), count: 9 },
    };
    const json = serializeState(state);
    expect(json).toContain('"average":{"count":9,"theta":["-0",');
    expectBitIdentical(deserializeState(json), state);
  });

  it('produces plain JSON data through stateToJSON', () => {
    const state = initialState({ optimizer: 'momentum', alpha: 0.1 }, 3);
    expect(stateToJSON(state)).toEqual({ version: 1, step: 0, theta: [0, 0, 0], velocity: [0, 0, 0], m: null, v: null });
    expectBitIdentical(stateFromJSON(JSON.parse(JSON.stringify(stateToJSON(state)))), state);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[1, 2]', /must be a JSON object/],
    ['{"version": 2, "step": 0, "theta": [0]}', /unsupported version 2/],
    ['{"version": 1, "step": -1, "theta": [0]}', /step must be a non-negative integer/],
    ['{"version": 1, "step": 1.5, "theta": [0]}', /step must be a non-negative integer/],
    ['{"version": 1, "step": 0, "theta": []}', /theta must be a non-empty array/],
    ['{"version": 1, "step": 0, "theta": [0, "1"]}', /theta\[1\] must be a finite number, got "1"/],
    ['{"version": 1, "step": 0, "theta": [0, 1e999]}', /theta\[1\] must be a finite number/],
    ['{"version": 1, "step": 0, "theta": [0, null]}', /theta\[1\] must be a finite number, got null/],
    ['{"version": 1, "step": 0, "theta": [0, 1], "velocity": [0]}', /velocity has length 1, theta has 2/],
    ['{"version": 1, "step": 0, "theta": [0], "m": [0], "v": [-1]}', /v\[0\] must be >= 0/],
    ['{"version": 1, "step": 2, "theta": [0, 1], "average": [0, 1]}', /average must be an object or null/],
    ['{"version": 1, "step": 2, "theta": [0, 1], "average": {"count": 1, "theta": [0]}}', /average.theta has length 1, theta has 2/],
    ['{"version": 1, "step": 2, "theta": [0, 1], "average": {"count": 1}}', /average.theta has length 0, theta has 2/],
    ['{"version": 1, "step": 2, "theta": [0, 1], "average": {"count": 1, "theta": [0, 1e999]}}', /average.theta\[1\] must be a finite number/],
    ['{"version": 1, "step": 2, "theta": [0, 1], "average": {"count": 1, "theta": [0, "NaN"]}}', /average.theta\[1\] must be a finite number, got "NaN"/],
    ['{"version": 1, "step": 2, "theta": [0, 1], "average": {"count": 3, "theta": [0, 1]}}', /average.count must be an integer in \[0, step = 2\], got 3/],
    ['{"version": 1, "step": 2, "theta": [0, 1], "average": {"count": -1, "theta": [0, 1]}}', /average.count must be/],
  ])('rejects %s', (json, message) => {
    expect(() => deserializeState(json)).toThrow(message);
  });
});
