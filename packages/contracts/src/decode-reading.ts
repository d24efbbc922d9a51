import { DEFAULT_MAX_READING_BYTES, FEATURE_COUNT, reject, type Decoded, type DecodedHeader, type Reading } from './reading.ts';
import { decodeJsonReading } from './decode-json.ts';
import { decodeCsvReading } from './decode-csv.ts';
import { decodeReadingAvroInto } from './avro/decode-reading-avro.ts';
import { hasAvroMarker } from './avro/reading-schema.ts';
import { decodeCsvReadingFast } from './fast-text/decode-csv-fast.ts';
import { decodeJsonReadingFast } from './fast-text/decode-json-fast.ts';
import { assertRowFits, copyIntoRow, settleRow, withFeatures } from './feature-row.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a Kafka record value into a reading. Never throws: a malformed value
 * comes back as a stable reason code and a message for the dead-letter headers.
 * Tells the formats apart by their first bytes: C3 01 is Avro single-object
 * encoding, { or [ is JSON, anything else one raw line of the UCI file
 * (60 numbers, optionally ,R or ,M). So one topic can carry all three.
 */
export function decodeReading(value: Uint8Array | null | undefined, maxBytes = DEFAULT_MAX_READING_BYTES): Decoded<Reading> {
  const features = new Float64Array(FEATURE_COUNT);
  return withFeatures(decodeReadingInto(value, features, 0, maxBytes), features);
}

/**
 * The same, with the 60 features written into `target` from `offset` (a row of a
 * mini-batch design matrix) instead of an array of their own. A rejected value
 * leaves the row zeroed. Throws only when the row does not fit in `target`.
 */
export function decodeReadingInto(
  value: Uint8Array | null | undefined,
  target: Float64Array,
  offset: number,
  maxBytes = DEFAULT_MAX_READING_BYTES,
): DecodedHeader {
  assertRowFits(target, offset);
  if (value === null || value === undefined) return settleRow(target, offset, reject('empty', 'the value is null (a tombstone)'));
  if (value.byteLength === 0) return settleRow(target, offset, reject('empty', 'the value is empty'));
  if (value.byteLength > maxBytes) {
    return settleRow(target, offset, reject('too_large', `the value has ${value.byteLength} bytes; the limit is ${maxBytes}`));
  }
  if (hasAvroMarker(value)) return decodeReadingAvroInto(value, target, offset);
  // JSON and UCI lines as producers commonly write them, in one pass over the bytes; the exact path for the rest.
  const fast = decodeJsonReadingFast(value, target, offset) ?? decodeCsvReadingFast(value, target, offset);
  if (fast !== undefined) return fast;
  return settleRow(target, offset, copyIntoRow(decodeTextValue(value), target, offset));
}

/** A value that is text: UTF-8, then JSON.parse or the CSV split. The exact path, and the fast paths' reference. */
export function decodeTextValue(value: Uint8Array): Decoded<Reading> {
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return reject('not_utf8', 'the value is not valid UTF-8');
  }
  return decodeReadingText(text);
}

/** The same, for text already decoded (HTTP bodies, CSV files). */
export function decodeReadingText(text: string): Decoded<Reading> {
  const trimmed = text.trim();
  if (trimmed.length === 0) return reject('empty', 'the value is blank');
  return trimmed.charCodeAt(0) === 123 /* { */ || trimmed.charCodeAt(0) === 91 /* [ */
    ? decodeJsonReading(trimmed)
    : decodeCsvReading(trimmed);
}
