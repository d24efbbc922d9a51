import { seededRng } from '@sonar/model';
import { describe, expect, it } from 'vitest';
import { decodeReading, decodeTextValue } from '../decode-reading.ts';
import { encodeReadingJson } from '../encode-reading.ts';
import type { Decoded, Reading } from '../reading.ts';
import { decodeCsvReadingFast } from './decode-csv-fast.ts';
import { decodeJsonReadingFast } from './decode-json-fast.ts';
import { randomCsvReading, randomJsonReading, randomNumber } from './random-readings.ts';

const utf8 = new TextEncoder();
const bitsOf = (x: number) => Buffer.from(Float64Array.of(x).buffer).toString('hex');
/** Everything a decoded reading says, doubles as their bits, so -0 and 0 differ. */
const outcome = (decoded: Decoded<Reading>) =>
  decoded.ok
    ? { ...decoded.value, features: Array.from(decoded.value.features, bitsOf), ts: decoded.value.ts === undefined ? undefined : bitsOf(decoded.value.ts) }
    : decoded;
const fastOnly = (bytes: Uint8Array) => decodeJsonReadingFast(bytes, new Float64Array(60), 0) !== undefined;

describe('the fast JSON path decodes exactly as JSON.parse and readingFromJson do', () => {
  it('on 20,000 random readings, well-formed and not (seeded)', () => {
    const rng = seededRng(1795);
    const mismatches: string[] = [];
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = utf8.encode(randomJsonReading(rng));
      if (bytes.length === 0) continue; // decodeReading's own check, before any format
      if (fastOnly(bytes)) fast++;
      const got = outcome(decodeReading(bytes));
      const want = outcome(decodeTextValue(bytes));
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${new TextDecoder().decode(bytes)}\n  fast:  ${JSON.stringify(got)}\n  exact: ${JSON.stringify(want)}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    // The comparison means something only if the fast path decided most of them itself.
    expect(fast).toBeGreaterThan(8_000);
  }, 60_000);

  it('on 5,000 numbers of every form, each as the one feature that varies', () => {
    const rng = seededRng(22);
    for (let i = 0; i < 5_000; i++) {
      const number = randomNumber(rng);
      const bytes = utf8.encode(`{"features":[${'0.5,'.repeat(59)}${number}]}`);
      expect([number, outcome(decodeReading(bytes))]).toEqual([number, outcome(decodeTextValue(bytes))]);
    }
  }, 60_000);

  it('on numbers the JSON grammar does not allow, as any feature: refused, as JSON.parse refuses them', () => {
    const broken = ['.5', '-.5', '.0', '5.', '0.', '-', '.', '01', '-01', '00.5', '+1', '1e', '1e+', '1.e5', '.5e1', '0x1', '1_0', '0.5.5'];
    for (const number of broken) {
      for (const at of [0, 30, 59]) {
        const features = Array.from({ length: 60 }, (_, i) => (i === at ? number : '0.25'));
        const bytes = utf8.encode(`{"features":[${features.join(',')}]}`);
        const exact = decodeTextValue(bytes);
        expect([number, at, exact.ok]).toEqual([number, at, false]);
        expect([number, at, outcome(decodeReading(bytes))]).toEqual([number, at, outcome(exact)]);
      }
    }
  });

  it('decides the common readings itself, without JSON.parse', () => {
    const features = Float64Array.from({ length: 60 }, (_, i) => [0.02, 0.0371, -0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2][i % 6]!);
    const common = [
      encodeReadingJson({ id: 'r-000017', features, label: 'R', holdout: true, ts: 1795000000000 }),
      JSON.stringify({ features: Array.from(features) }, null, 2),
      ` {"ts": null, "sensor": {"bay": [3, "x", true, null, -1.5e3]}, "features": [${Array.from(features).join(', ')}], "label": "M", "id": null}\r\n`,
    ];
    for (const text of common) expect([text, fastOnly(utf8.encode(text))]).toEqual([text, true]);
  });

  it('leaves to the exact path what it does not handle', () => {
    const rest = [
      '{"id": "a\\u0041", "features": []}',
      `{"features": [${'0.5,'.repeat(59)}0.5], "features": [${'0.5,'.repeat(59)}0.25]}`,
      `{"features": [${'0.5,'.repeat(59)}0.5], "id": "bouée"}`,
      `\ufeff{"features": [${'0.5,'.repeat(59)}0.5]}`,
      `{"features": [${'0.5,'.repeat(59)}NaN]}`,
      '{"features": [1, 2',
    ];
    for (const text of rest) expect([text, fastOnly(utf8.encode(text))]).toEqual([text, false]);
  });
});

describe('the fast CSV path decodes exactly as split and Number() do', () => {
  const fastCsv = (bytes: Uint8Array) => decodeCsvReadingFast(bytes, new Float64Array(60), 0) !== undefined;

  it('on 20,000 random lines, UCI-like and not (seeded)', () => {
    const rng = seededRng(208);
    const mismatches: string[] = [];
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = utf8.encode(randomCsvReading(rng));
      if (bytes.length === 0) continue;
      if (fastCsv(bytes)) fast++;
      const got = outcome(decodeReading(bytes));
      const want = outcome(decodeTextValue(bytes));
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${JSON.stringify(new TextDecoder().decode(bytes))}\n  fast:  ${JSON.stringify(got)}\n  exact: ${JSON.stringify(want)}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(fast).toBeGreaterThan(8_000);
  }, 60_000);

  it('decides a line of the data file itself', () => {
    const line = `${'0.0200,0.0371,'.repeat(30).slice(0, -1)},R\r\n`;
    expect(fastCsv(utf8.encode(line))).toBe(true);
  });
});
