import { seededRng } from '@sonar/model';
import { describe, expect, it } from 'vitest';
import { DECODE_REASON_CODES, type RejectReason } from '../reasons.ts';
import type { Reading } from '../reading.ts';
import { decodeReadingAvro, decodeReadingAvroInto } from './decode-reading-avro.ts';
import { encodeReadingAvro } from './encode-reading-avro.ts';
import { AVRO_HEADER } from './reading-schema.ts';

const TRICKY = [-0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -2.5e-308, 0.0371, 1 / 3, -1];
const tricky = Float64Array.from({ length: 60 }, (_, i) => TRICKY[i % TRICKY.length]!);
const reading = (fields: Partial<Reading> = {}): Reading => ({ id: undefined, features: tricky, label: undefined, holdout: false, ts: undefined, ...fields });
const bits = (values: Float64Array) => Array.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
const reasonOf = (bytes: Uint8Array) => {
  const decoded = decodeReadingAvro(bytes);
  return decoded.ok ? 'ok' : decoded.reason;
};

// An independent writer of the binary encoding, to build datums the encoder never writes.
const long = (value: number): number[] => {
  let raw = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) >> 63n));
  const out: number[] = [];
  for (; raw >= 0x80n; raw >>= 7n) out.push(Number(raw & 0x7fn) | 0x80);
  return [...out, Number(raw)];
};
const doubles = (values: ArrayLike<number>) => bits(Float64Array.from(values));
const datum = (...parts: number[][]) => Uint8Array.from([...AVRO_HEADER, ...parts.flat()]);
const features60 = [...long(60), ...doubles(tricky), 0];
const tail = [0, 0, 0]; // label null, holdout false, ts null

describe('Avro readings round-trip bit for bit', () => {
  it.each([
    ['no optional field', reading()],
    ['every field', reading({ id: 'r-000017', label: 'M', holdout: true, ts: 1795000000123 })],
    ['label R, ts 0', reading({ label: 'R', ts: 0 })],
    ['the largest ts', reading({ ts: Number.MAX_SAFE_INTEGER })],
    ['a non-ASCII id with a leading U+FEFF', reading({ id: '\uFEFFbouée-Σ-🐟' })],
    ['an id of 128 characters', reading({ id: 'x'.repeat(128) })],
  ])('%s', (_name, original) => {
    const decoded = decodeReadingAvro(encodeReadingAvro(original));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(bits(decoded.value.features)).toEqual(bits(original.features));
    expect({ ...decoded.value, features: null }).toEqual({ ...original, features: null });
  });

  it('into a row of a design matrix, after its bias column, touching nothing else', () => {
    const matrix = new Float64Array(3 * 61).fill(7);
    const header = decodeReadingAvroInto(encodeReadingAvro(reading({ id: 'r-1', label: 'R' })), matrix, 61 + 1);
    expect(header).toEqual({ ok: true, id: 'r-1', label: 'R', holdout: false, ts: undefined });
    expect(bits(matrix.subarray(62, 122))).toEqual(bits(tricky));
    expect([matrix[61], matrix[122]]).toEqual([7, 7]);
  });

  it('leaves a rejected row zeroed, NaN included', () => {
    const row = new Float64Array(60).fill(7);
    const decoded = decodeReadingAvroInto(encodeReadingAvro(reading({ features: Float64Array.from(tricky).fill(Number.NaN, 5, 6) })), row, 0);
    expect(decoded.ok ? 'ok' : decoded.reason).toBe('non_finite_feature');
    expect(Array.from(row)).toEqual(new Array(60).fill(0));
  });

  it('throws for a row that does not fit, a caller bug', () => {
    expect(() => decodeReadingAvroInto(encodeReadingAvro(reading()), new Float64Array(60), 1)).toThrow(RangeError);
  });

  it('rounds a fractional ts down; refuses to encode one no long carries', () => {
    const decoded = decodeReadingAvro(encodeReadingAvro(reading({ ts: 1795000000123.9 })));
    expect(decoded.ok && decoded.value.ts).toBe(1795000000123);
    expect(() => encodeReadingAvro(reading({ ts: 2 ** 60 }))).toThrow(RangeError);
  });
});

describe('Avro arrays in several blocks', () => {
  const first = Array.from(tricky.subarray(0, 25));
  const rest = Array.from(tricky.subarray(25));
  it.each([
    ['two blocks', datum([0], long(25), doubles(first), long(35), doubles(rest), [0], tail)],
    ['negative counts with byte sizes', datum([0], long(-25), long(200), doubles(first), long(-35), long(280), doubles(rest), [0], tail)],
    ['one item per block', datum([0], ...Array.from(tricky, (x) => [...long(1), ...doubles([x])]), [0], tail)],
  ])('%s', (_name, bytes) => {
    const decoded = decodeReadingAvro(bytes);
    expect(decoded.ok && bits(decoded.value.features)).toEqual(bits(tricky));
  });
});

describe('malformed Avro records are rejected with a stable reason', () => {
  const overlong = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
  const cases: [string, Uint8Array, RejectReason][] = [
    ['another schema', Uint8Array.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0]), 'unknown_schema'],
    ['no marker', Uint8Array.from([0xc3, 0x02, ...AVRO_HEADER.subarray(2), 0]), 'invalid_avro'],
    ['a header cut short', AVRO_HEADER.subarray(0, 7), 'invalid_avro'],
    ['a header and nothing else', AVRO_HEADER, 'invalid_avro'],
    ['id union index 2', datum(long(2), features60, tail), 'invalid_avro'],
    ['id union index -1', datum(long(-1), features60, tail), 'invalid_avro'],
    ['a negative string length', datum(long(1), long(-3), features60, tail), 'invalid_avro'],
    ['a string longer than the record', datum(long(1), long(5000), [0x61], features60, tail), 'invalid_avro'],
    ['an id that is not UTF-8', datum(long(1), long(2), [0xc3, 0x28], features60, tail), 'invalid_avro'],
    ['a varint of 11 bytes', datum(overlong, features60, tail), 'invalid_avro'],
    ['a varint past 64 bits', datum([0], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], tail), 'invalid_avro'],
    ['a block of 2^40 doubles', datum([0], long(2 ** 40), doubles(tricky), [0], tail), 'invalid_avro'],
    ['a block of -2^62 doubles', datum([0], long(-(2 ** 62)), long(0), [0], tail), 'invalid_avro'],
    ['a block size that is not 8 per double', datum([0], long(-60), long(479), doubles(tricky), [0], tail), 'invalid_avro'],
    ['an array without its end', datum([0], long(60), doubles(tricky)), 'invalid_avro'],
    ['label union index 2', datum([0], features60, long(2), [0, 0]), 'invalid_avro'],
    ['label enum index 2', datum([0], features60, long(1), long(2), [0, 0]), 'invalid_avro'],
    ['label enum index -1', datum([0], features60, long(1), long(-1), [0, 0]), 'invalid_avro'],
    ['holdout byte 2', datum([0], features60, [0, 2, 0]), 'invalid_avro'],
    ['ts union index 3', datum([0], features60, [0, 0], long(3)), 'invalid_avro'],
    ['ts cut short', datum([0], features60, [0, 0], long(1), [0x80]), 'invalid_avro'],
    ['a trailing byte', datum([0], features60, tail, [0]), 'invalid_avro'],
    ['59 features', datum([0], long(59), doubles(tricky.subarray(1)), [0], tail), 'wrong_feature_count'],
    ['61 features in two blocks', datum([0], features60.slice(0, -1), long(1), doubles([0.5]), [0], tail), 'wrong_feature_count'],
    ['no features', datum([0], [0], tail), 'wrong_feature_count'],
    ['a NaN', encodeReadingAvro(reading({ features: Float64Array.from(tricky).fill(Number.NaN, 59) })), 'non_finite_feature'],
    ['-Infinity', encodeReadingAvro(reading({ features: Float64Array.from(tricky).fill(-Infinity, 0, 1) })), 'non_finite_feature'],
    ['an empty id', encodeReadingAvro(reading({ id: '' })), 'invalid_id'],
    ['an id of 129 characters', encodeReadingAvro(reading({ id: 'é'.repeat(129) })), 'invalid_id'],
    ['a negative ts', datum([0], features60, [0, 0], long(1), long(-5)), 'invalid_ts'],
    ['a ts past 2^53', datum([0], features60, [0, 0], long(1), long(2 ** 60)), 'invalid_ts'],
    ['the structure before the values: 59 features and a bad holdout', datum([0], long(59), doubles(tricky.subarray(1)), [0], [0, 9, 0]), 'invalid_avro'],
  ];

  it.each(cases)('%s', (_name, bytes, reason) => {
    const decoded = decodeReadingAvro(bytes);
    expect(decoded.ok ? 'ok' : decoded.reason).toBe(reason);
    if (!decoded.ok) expect(decoded.message.length).toBeGreaterThan(10);
  });

  it('a hand-built datum of the same reading is accepted, so the cases above differ only where they say', () => {
    expect(reasonOf(datum([0], features60, tail))).toBe('ok');
    expect(reasonOf(datum([0], features60, [0, 0], long(1), long(1795000000000)))).toBe('ok');
  });

  const full = encodeReadingAvro(reading({ id: 'r-000017', label: 'M', holdout: true, ts: 1795000000123 }));

  it('cut at every byte: invalid_avro', () => {
    for (let length = 0; length < full.length; length++) expect([length, reasonOf(full.subarray(0, length))]).toEqual([length, 'invalid_avro']);
  });

  it('any byte changed in any way: decoded or a known reason, never a throw, never a NaN', () => {
    for (let at = 0; at < full.length; at++) {
      for (const value of [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff, full[at]! ^ 0x01, full[at]! ^ 0x80]) {
        const mutated = Uint8Array.from(full);
        mutated[at] = value;
        expectSound(mutated);
      }
    }
  });

  it('survives 20,000 random mutations (seeded)', () => {
    const rng = seededRng(20260101);
    const pick = (n: number) => Math.floor(rng() * n);
    for (let round = 0; round < 20_000; round++) {
      const bytes = Array.from(full);
      for (let edits = 1 + pick(4); edits > 0; edits--) {
        const at = pick(bytes.length);
        const kind = pick(4);
        if (kind === 0) bytes[at] = pick(256);
        else if (kind === 1) bytes.splice(at, 1);
        else if (kind === 2) bytes.splice(at, 0, pick(256));
        else bytes.length = Math.max(10, at);
      }
      expectSound(Uint8Array.from(bytes));
    }
  });
});

function expectSound(bytes: Uint8Array): void {
  const decoded = decodeReadingAvro(bytes);
  if (decoded.ok) {
    expect(decoded.value.features.every(Number.isFinite)).toBe(true);
    expect([undefined, 'R', 'M']).toContain(decoded.value.label);
  } else {
    expect(DECODE_REASON_CODES).toContain(decoded.reason);
  }
}
