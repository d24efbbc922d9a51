import { reject, type Reading, type Rejection } from './reading.ts';
import { avroCarriesTs, encodeReadingAvro } from './avro/encode-reading-avro.ts';

export type ReadingFormat = 'json' | 'csv' | 'avro';

/**
 * JSON wire form of a reading. Numbers print in JavaScript's shortest round-trip
 * form, so features decode to the very same doubles.
 */
export function encodeReadingJson(reading: Reading): string {
  let out = '{';
  if (reading.id !== undefined) out += `"id":${JSON.stringify(reading.id)},`;
  out += `"features":[${reading.features.join(',')}]`;
  if (reading.label !== undefined) out += `,"label":"${reading.label}"`;
  if (reading.holdout) out += ',"holdout":true';
  if (reading.ts !== undefined) out += `,"ts":${reading.ts}`;
  return `${out}}`;
}

/** One line of the UCI file's shape; it carries no id, timestamp or holdout flag. */
export function encodeReadingCsv(reading: Reading): string {
  const features = reading.features.join(',');
  return reading.label === undefined ? features : `${features},${reading.label}`;
}

/** The text formats come back as strings; Avro as a Buffer, the binary kafkajs takes as a value. */
export function encodeReading(reading: Reading, format: 'json' | 'csv'): string;
export function encodeReading(reading: Reading, format: 'avro'): Buffer;
export function encodeReading(reading: Reading, format: ReadingFormat): string | Buffer;
export function encodeReading(reading: Reading, format: ReadingFormat): string | Buffer {
  if (format === 'json') return encodeReadingJson(reading);
  if (format === 'csv') return encodeReadingCsv(reading);
  const bytes = encodeReadingAvro(reading);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Why a valid reading cannot be written in a format, or undefined when it can. JSON
 * takes any finite ts ≥ 0, Avro's long only up to 2^53 − 1: a publisher asks first,
 * so such a reading is refused on its own instead of failing its whole batch.
 */
export function encodingRefusal(reading: Reading, format: ReadingFormat): Rejection | undefined {
  if (format === 'avro' && reading.ts !== undefined && !avroCarriesTs(reading.ts)) {
    return reject('invalid_ts', `ts must be at most 2^53 - 1 epoch milliseconds to be written as Avro, got ${reading.ts}`);
  }
  return undefined;
}
