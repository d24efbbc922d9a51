import { seededRng } from '@sonar/model';
import { describe, expect, it } from 'vitest';
import { askAvroPython, CLASSIFIED_SCHEMA, comparable, fromWire, toWire, type WireReading } from '../../test-support/avro-python.ts';
import { EVENTS } from '../../test-support/classified-events.ts';
import { pythonWith } from '../../test-support/python.ts';
import { encodeClassifiedAvro } from './classified-avro.ts';
import type { Reading } from '../reading.ts';
import { decodeReadingAvro } from './decode-reading-avro.ts';
import { encodeReadingAvro } from './encode-reading-avro.ts';
import { READING_AVRO_CANONICAL_FORM, READING_AVRO_FINGERPRINT } from './reading-schema.ts';

// The Avro codec against Apache Avro's Python library: records written by one
// decode to the same readings in the other.

/** Readings that cover every branch: random doubles of every magnitude and sign, odd ids, edge timestamps. */
function readings(): Reading[] {
  const rng = seededRng(7);
  const bits = new Uint32Array(2);
  const randomDouble = (): number => {
    bits[0] = Math.floor(rng() * 2 ** 32);
    bits[1] = Math.floor(rng() * 2 ** 32);
    const x = new Float64Array(bits.buffer)[0]!;
    return Number.isFinite(x) ? x : rng();
  };
  const special = [-0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 0.0371];
  const ids = [undefined, 'r-000017', 'x'.repeat(128), 'bouée Σ 🐟', '\uFEFFbom'];
  const timestamps = [undefined, 0, 1795000000123, Number.MAX_SAFE_INTEGER];
  return Array.from({ length: 40 }, (_, i) => ({
    id: ids[i % ids.length],
    features: Float64Array.from({ length: 60 }, (_, j) => (i === 0 ? special[j % special.length]! : i % 2 ? Math.round(rng() * 1e4) / 1e4 : randomDouble())),
    label: ([undefined, 'R', 'M'] as const)[i % 3],
    holdout: i % 4 === 1,
    ts: timestamps[i % timestamps.length],
  }));
}

describe('Avro readings across languages (Apache Avro for Python)', () => {
  it('agree on the canonical form and fingerprint of schemas/reading.avsc', () => {
    const described = askAvroPython<{ canonical: string; fingerprint: string }>({ op: 'describe' });
    expect(described.canonical).toBe(READING_AVRO_CANONICAL_FORM);
    expect(described.fingerprint).toBe(Buffer.from(READING_AVRO_FINGERPRINT).toString('hex'));
  });

  it('decode what Python writes, to the same readings, from the same bytes we write', () => {
    const originals = readings();
    const { records } = askAvroPython<{ records: string[] }>({ op: 'encode', readings: originals.map(toWire) });
    records.forEach((hex, i) => {
      const decoded = decodeReadingAvro(Buffer.from(hex, 'hex'));
      expect(decoded.ok && comparable(decoded.value)).toEqual(comparable(originals[i]!));
      expect(Buffer.from(encodeReadingAvro(originals[i]!)).toString('hex')).toBe(hex);
    });
  });

  it('write what Python decodes to the same readings', () => {
    const originals = readings();
    const records = originals.map((r) => Buffer.from(encodeReadingAvro(r)).toString('hex'));
    const decoded = askAvroPython<{ readings: WireReading[] }>({ op: 'decode', records }).readings;
    expect(decoded.map((w) => comparable(fromWire(w)))).toEqual(originals.map(comparable));
  });

  it('write classified events that Python decodes to the same values', () => {
    const records = EVENTS.map((e) => encodeClassifiedAvro(e).toString('hex'));
    const { datums } = askAvroPython<{ datums: Record<string, unknown>[] }>({ op: 'decode-datums', schema: CLASSIFIED_SCHEMA, records });
    expect(datums).toEqual(EVENTS.map((e) => ({ trueLabel: null, holdout: null, ...e })));
  });
});

describe('pythonWith', () => {
  it('finds the Python these tests run with, and none for a module no Python has', () => {
    expect(pythonWith(['avro.io'])).toMatch(/python3$/);
    expect(pythonWith(['sonar_no_such_module'])).toBeUndefined();
  });
});
