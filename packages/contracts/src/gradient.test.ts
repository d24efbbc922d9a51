import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsingCanonicalForm } from './avro/canonical-form.ts';
import { decodeGradient, encodeGradient, GRADIENT_AVRO_CANONICAL_FORM, type GradientRecord } from './gradient.ts';
import { seededRng } from '@sonar/model';

const published = JSON.parse(readFileSync(new URL('../schemas/gradient.avsc', import.meta.url), 'utf8')) as unknown;

const record = (over: Partial<GradientRecord> = {}): GradientRecord => ({
  model: 'sonar',
  worker: 'sonar-worker-1',
  n: 32,
  gradientSum: Float64Array.from({ length: 61 }, (_, j) => [0.1 + 0.2, -0, 5e-324, -1.5, 1e-300][j % 5]!),
  costSum: 32 * Math.LN2,
  hits: 17,
  modelVersion: 42,
  partition: 2,
  fromOffset: 1000,
  toOffset: 1063,
  ...over,
});

const bits = (a: Float64Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('gradient records', () => {
  it('as published in schemas/gradient.avsc, are the schema the codec is written for', () => {
    expect(parsingCanonicalForm(published)).toBe(GRADIENT_AVRO_CANONICAL_FORM);
  });

  it('round-trip bit for bit', () => {
    const decoded = decodeGradient(encodeGradient(record()));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(bits(decoded.value.gradientSum)).toEqual(bits(record().gradientSum));
      expect({ ...decoded.value, gradientSum: null }).toEqual({ ...record(), gradientSum: null });
    }
  });

  it.each<[string, Partial<GradientRecord>]>([
    ['a NaN in the gradient', { gradientSum: Float64Array.from({ length: 61 }, (_, j) => (j === 7 ? Number.NaN : 0)) }],
    ['60 numbers', { gradientSum: new Float64Array(60) }],
    ['n = 0', { n: 0, hits: 0 }],
    ['more hits than readings', { hits: 33 }],
    ['an infinite cost', { costSum: Number.POSITIVE_INFINITY }],
    ['offsets backwards', { fromOffset: 10, toOffset: 9 }],
  ])('refuses %s as invalid_gradient', (_name, over) => {
    const decoded = decodeGradient(encodeGradient(record(over)));
    expect(decoded.ok ? 'ok' : decoded.reason).toBe('invalid_gradient');
  });

  it('never throws: cut at every byte, and random mutations', () => {
    const bytes = encodeGradient(record());
    const rng = seededRng(9);
    for (let cut = 0; cut < bytes.length; cut++) {
      const decoded = decodeGradient(bytes.subarray(0, cut));
      expect(decoded.ok).toBe(false);
    }
    for (let trial = 0; trial < 2000; trial++) {
      const mutated = bytes.slice();
      mutated[Math.floor(rng() * mutated.length)] = Math.floor(rng() * 256);
      const decoded = decodeGradient(mutated);
      if (!decoded.ok) expect(['invalid_avro', 'unknown_schema', 'invalid_gradient']).toContain(decoded.reason);
    }
    expect(decodeGradient(null)).toMatchObject({ ok: false, reason: 'empty' });
  });
});
