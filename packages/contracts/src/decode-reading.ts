import { DEFAULT_MAX_READING_BYTES, reject, type Decoded, type Reading } from './reading.ts';
import { decodeJsonReading } from './decode-json.ts';
import { decodeCsvReading } from './decode-csv.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a Kafka record value into a reading. Never throws: a malformed value
 * comes back as a stable reason code and a message for the dead-letter headers.
 * Accepts a JSON object or one raw line of the UCI file (60 numbers, optionally ,R or ,M).
 */
export function decodeReading(value: Uint8Array | null | undefined, maxBytes = DEFAULT_MAX_READING_BYTES): Decoded<Reading> {
  if (value === null || value === undefined) return reject('empty', 'the value is null (a tombstone)');
  if (value.byteLength === 0) return reject('empty', 'the value is empty');
  if (value.byteLength > maxBytes) return reject('too_large', `the value has ${value.byteLength} bytes; the limit is ${maxBytes}`);
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
