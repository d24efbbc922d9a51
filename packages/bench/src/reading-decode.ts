// Decoding throughput of one reading record, each format and path side by side in
// the same process, on the same 100,000 synthetic readings (4-decimal features as
// in the data set, an id, a label, a timestamp).
//
//   pnpm bench:decode [name filter]
//
// "reference" is the exact text path (UTF-8 decode, JSON.parse, validation), what
// decodeReading did for JSON before the fast path; "into a row" decoders write the
// features into a mini-batch design matrix after its bias column.
import { seededRng } from '@sonar/model';
import { decodeReading, decodeReadingInto, decodeTextValue, encodeReadingAvro, encodeReadingCsv, encodeReadingJson, type Reading } from '@sonar/contracts';

const RECORDS = 100_000;
const REPEATS = 5;
const BATCH_ROWS = 256;
const COLUMNS = 61; // bias, then 60 features

const rng = seededRng(2026);
const readings: Reading[] = Array.from({ length: RECORDS }, (_, i) => ({
  id: `r-${String(i).padStart(6, '0')}`,
  features: Float64Array.from({ length: 60 }, () => Math.round(rng() * 1e4) / 1e4),
  label: rng() < 0.5 ? 'R' : 'M',
  holdout: rng() < 0.1,
  ts: 1_795_000_000_000 + i,
}));
const utf8 = new TextEncoder();
// Encoded on first use, so a profile of one case (the name filter) shows decoding, not set-up;
// then packed into one buffer and sliced, as kafkajs slices the record values of a fetch.
const once = (encode: (r: Reading) => Uint8Array) => {
  let values: Uint8Array[] | undefined;
  return () => (values ??= packed(readings.map(encode)));
};
const packed = (values: Uint8Array[]) => {
  const all = Buffer.concat(values);
  let at = 0;
  return values.map((value) => all.subarray(at, (at += value.length)));
};
const json = once((r) => utf8.encode(encodeReadingJson(r)));
const csv = once((r) => utf8.encode(encodeReadingCsv(r)));
const avro = once(encodeReadingAvro);
const matrix = new Float64Array(BATCH_ROWS * COLUMNS);

type Decode = (value: Uint8Array, row: number) => boolean;
const general: Decode = (value) => decodeReading(value).ok;
const reference: Decode = (value) => decodeTextValue(value).ok;
const intoRow: Decode = (value, row) => decodeReadingInto(value, matrix, (row % BATCH_ROWS) * COLUMNS + 1).ok;

const cases: [string, () => Uint8Array[], Decode][] = [
  ['JSON, reference (JSON.parse)', json, reference],
  ['JSON, decodeReading', json, general],
  ['JSON, into a row', json, intoRow],
  ['Avro, decodeReading', avro, general],
  ['Avro, into a row', avro, intoRow],
  ['CSV, reference (split, Number)', csv, reference],
  ['CSV, decodeReading', csv, general],
  ['CSV, into a row', csv, intoRow],
];

const only = process.argv[2];
const chosen = cases.filter(([name]) => only === undefined || name.includes(only));

function pass(values: Uint8Array[], decode: Decode): number {
  const started = performance.now();
  for (let i = 0; i < values.length; i++) if (!decode(values[i]!, i)) throw new Error(`record ${i} did not decode`);
  return values.length / ((performance.now() - started) / 1000);
}

// A warm-up pass each so the JIT has compiled every decoder, then the cases take
// turns in every round, so a busy machine slows them alike; the median round counts.
for (const [, values, decode] of chosen) pass(values(), decode);
const rates = chosen.map((): number[] => []);
for (let round = 0; round < REPEATS; round++) chosen.forEach(([, values, decode], c) => rates[c]!.push(pass(values(), decode)));
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bytesPerRecord = (values: Uint8Array[]) => Math.round(values.reduce((sum, v) => sum + v.length, 0) / values.length);
console.log(`Reading decode, ${RECORDS.toLocaleString('en')} records per pass, median of ${REPEATS} rounds (Node ${process.version})`);
const rows = chosen.map(([name, values], c) => [name, `${bytesPerRecord(values())} B`, `${(median(rates[c]!) / 1e6).toFixed(3)} M records/s`]);
const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
for (const row of rows) console.log(`${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padStart(widths[1]!)}  ${row[2]!.padStart(widths[2]!)}`);
