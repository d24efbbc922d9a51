import { describe, expect, it } from 'vitest';
import { decodeReading, decodeReadingText } from './decode-reading.ts';
import { encodeReading, encodeReadingCsv, encodeReadingJson, encodingRefusal } from './encode-reading.ts';
import { DECODE_REASON_CODES, type RejectReason } from './reasons.ts';
import type { Reading } from './reading.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const features = (n = 60, value = 0.5) => Array.from({ length: n }, (_, i) => (i === 0 ? value : (i % 10) / 10));
const json = (fields: Record<string, unknown>) => bytes(JSON.stringify({ features: features(), ...fields }));
const avro = (fields: Partial<Reading> = {}) =>
  encodeReading({ id: undefined, features: Float64Array.from(features()), label: undefined, holdout: false, ts: undefined, ...fields }, 'avro');
const otherFingerprint = (value: Uint8Array) => Uint8Array.from(value, (byte, i) => (i === 9 ? byte ^ 1 : byte));

describe('decodeReading rejects with a stable reason', () => {
  const cases: [string, Uint8Array | null, RejectReason][] = [
    ['a tombstone', null, 'empty'],
    ['an empty value', new Uint8Array(0), 'empty'],
    ['a blank value', bytes('  \n'), 'empty'],
    ['a value over the limit', bytes(' '.repeat(1025)), 'too_large'],
    ['a non-UTF-8 payload', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'not_utf8'],
    ['broken JSON', bytes('{"features": [1, 2'), 'invalid_json'],
    ['a JSON array', bytes('[1, 2, 3]'), 'not_an_object'],
    ['an object without features', bytes('{"label": "R"}'), 'missing_features'],
    ['59 features (JSON)', bytes(JSON.stringify({ features: features(59) })), 'wrong_feature_count'],
    ['61 features (JSON)', bytes(JSON.stringify({ features: features(61) })), 'wrong_feature_count'],
    ['59 features (CSV)', bytes(features(59).join(',')), 'wrong_feature_count'],
    ['61 features (CSV)', bytes(`${features(61).join(',')},R`), 'wrong_feature_count'],
    ['61 numbers (CSV, no label)', bytes(features(61).join(',')), 'invalid_label'],
    ['three words (CSV)', bytes('not,a,reading'), 'wrong_feature_count'],
    ['a string feature', bytes(JSON.stringify({ features: ['0.1', ...features(59)] })), 'not_a_number'],
    ['a word in CSV', bytes(`abc,${features(59).join(',')}`), 'not_a_number'],
    ['an empty CSV field', bytes(`,${features(59).join(',')}`), 'not_a_number'],
    ['NaN in JSON (as Python writes it)', bytes(`{"features":[NaN,${features(59).join(',')}]}`), 'non_finite_feature'],
    ['Infinity in JSON', bytes(`{"features":[${features(59).join(',')},-Infinity]}`), 'non_finite_feature'],
    ['1e400 in JSON', bytes(`{"features":[1e400,${features(59).join(',')}]}`), 'non_finite_feature'],
    ['null (JSON.stringify of NaN)', bytes(JSON.stringify({ features: [Number.NaN, ...features(59)] })), 'non_finite_feature'],
    ['NaN in CSV', bytes(`NaN,${features(59).join(',')},R`), 'non_finite_feature'],
    ['Infinity in CSV', bytes(`${features(59).join(',')},Infinity`), 'non_finite_feature'],
    ['Infinity in CSV before a label', bytes(`${features(59).join(',')},Infinity,M`), 'non_finite_feature'],
    ['1e400 in CSV', bytes(`1e400,${features(59).join(',')}`), 'non_finite_feature'],
    ['label "X" (JSON)', json({ label: 'X' }), 'invalid_label'],
    ['label 1 (JSON)', json({ label: 1 }), 'invalid_label'],
    ['label X (CSV)', bytes(`${features().join(',')},X`), 'invalid_label'],
    ['an empty id', json({ id: '' }), 'invalid_id'],
    ['a numeric id', json({ id: 17 }), 'invalid_id'],
    ['an id of 129 characters', json({ id: 'x'.repeat(129) }), 'invalid_id'],
    ['holdout "yes"', json({ holdout: 'yes' }), 'invalid_holdout'],
    ['a negative ts', json({ ts: -5 }), 'invalid_ts'],
    ['a string ts', json({ ts: '2026-01-01' }), 'invalid_ts'],
    ['Avro of another schema', otherFingerprint(avro()), 'unknown_schema'],
    ['Avro cut short', avro().subarray(0, 100), 'invalid_avro'],
    ['59 features (Avro)', avro({ features: Float64Array.from(features(59)) }), 'wrong_feature_count'],
    ['an Avro value over the limit', avro({ id: 'x'.repeat(600) }), 'too_large'],
  ];

  it.each(cases)('%s', (_name, value, reason) => {
    const decoded = decodeReading(value, 1024);
    expect(decoded.ok ? 'ok' : decoded.reason).toBe(reason);
    if (!decoded.ok) expect(decoded.message.length).toBeGreaterThan(5);
  });

  it('covers every reason code', () => {
    expect(new Set(cases.map(([, , reason]) => reason))).toEqual(new Set(DECODE_REASON_CODES));
  });
});

describe('decodeReading accepts', () => {
  const sonarLine =
    '0.0200,0.0371,0.0428,0.0207,0.0954,0.0986,0.1539,0.1601,0.3109,0.2111,0.1609,0.1582,0.2238,0.0645,0.0660,0.2273,0.3100,0.2999,0.5078,0.4797,0.5783,0.5071,0.4328,0.5550,0.6711,0.6415,0.7104,0.8080,0.6791,0.3857,0.1307,0.2604,0.5121,0.7547,0.8537,0.8507,0.6692,0.6097,0.4943,0.2744,0.0510,0.2834,0.2825,0.4256,0.2641,0.1386,0.1051,0.1343,0.0383,0.0324,0.0232,0.0027,0.0065,0.0159,0.0072,0.0167,0.0180,0.0084,0.0090,0.0032,R';

  it('a raw line of the UCI file, with its label', () => {
    const decoded = decodeReading(bytes(`${sonarLine}\n`));
    expect(decoded.ok && decoded.value.label).toBe('R');
    expect(decoded.ok && Array.from(decoded.value.features.slice(0, 2))).toEqual([0.02, 0.0371]);
  });

  it('an unlabeled line', () => {
    const decoded = decodeReading(bytes(sonarLine.slice(0, -2)));
    expect(decoded.ok && decoded.value.label).toBeUndefined();
  });

  it('JSON with every field, ignoring unknown ones', () => {
    const decoded = decodeReading(json({ id: 'r-1', label: 'M', holdout: true, ts: 1795000000000, sensor: 'bay-3' }));
    expect(decoded).toMatchObject({ ok: true, value: { id: 'r-1', label: 'M', holdout: true, ts: 1795000000000 } });
  });

  it('null for optional fields as if absent', () => {
    const decoded = decodeReading(json({ id: null, label: null, holdout: null, ts: null }));
    expect(decoded).toMatchObject({ ok: true, value: { id: undefined, label: undefined, holdout: false, ts: undefined } });
  });

  it('JSON, CSV and Avro records side by side, as on one topic', () => {
    const values = [json({ id: 'j', label: 'R' }), bytes(`${features().join(',')},M`), avro({ id: 'a', holdout: true, ts: 5 })];
    const decoded = values.map((value) => decodeReading(value));
    expect(decoded.map((d) => d.ok && [d.value.id, d.value.label, d.value.holdout, d.value.ts])).toEqual([
      ['j', 'R', false, undefined],
      [undefined, 'M', false, undefined],
      ['a', undefined, true, 5],
    ]);
    expect(decoded.map((d) => d.ok && d.value.features[0])).toEqual([0.5, 0.5, 0.5]);
  });

  it('finite values outside [0, 1]', () => {
    expect(decodeReadingText(JSON.stringify({ features: features(60, -3.5e12) })).ok).toBe(true);
  });
});

describe('encoders round-trip bit for bit', () => {
  const tricky = Float64Array.from({ length: 60 }, (_, i) => [0.1 + 0.2, 5e-324, 1 / 3, 0.0371, 1.7976931348623157e308][i % 5]!);
  const reading: Reading = { id: 'r-"quoted"', features: tricky, label: 'R', holdout: true, ts: 1795000000123 };

  it('JSON', () => {
    const decoded = decodeReadingText(encodeReadingJson(reading));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(new Uint8Array(decoded.value.features.buffer)).toEqual(new Uint8Array(tricky.buffer));
      expect({ ...decoded.value, features: null }).toEqual({ ...reading, features: null });
    }
  });

  it('Avro', () => {
    const decoded = decodeReading(encodeReading(reading, 'avro'));
    expect(decoded.ok && new Uint8Array(decoded.value.features.buffer)).toEqual(new Uint8Array(tricky.buffer));
    expect(decoded.ok && { ...decoded.value, features: null }).toEqual({ ...reading, features: null });
  });

  it('CSV keeps features and label', () => {
    const decoded = decodeReadingText(encodeReadingCsv(reading));
    expect(decoded.ok && new Uint8Array(decoded.value.features.buffer)).toEqual(new Uint8Array(tricky.buffer));
    expect(decoded.ok && decoded.value.label).toBe('R');
  });
});

describe('encodingRefusal', () => {
  const reading = (ts: number | undefined): Reading => ({ id: 'r-1', features: Float64Array.from(features()), label: 'R', holdout: false, ts });

  it('refuses, as invalid_ts, a ts that JSON carries and an Avro long cannot', () => {
    const huge = reading(2 ** 60);
    expect(decodeReadingText(encodeReadingJson(huge)).ok).toBe(true);
    expect(encodingRefusal(huge, 'json')).toBeUndefined();
    expect(encodingRefusal(huge, 'avro')).toMatchObject({ ok: false, reason: 'invalid_ts' });
    expect(() => encodeReading(huge, 'avro')).toThrow(RangeError);
  });

  it('lets through every reading the Avro encoder writes', () => {
    for (const ts of [undefined, 0, 1795000000123.9, Number.MAX_SAFE_INTEGER]) {
      expect(encodingRefusal(reading(ts), 'avro')).toBeUndefined();
      expect(decodeReading(encodeReading(reading(ts), 'avro')).ok).toBe(true);
    }
  });
});
