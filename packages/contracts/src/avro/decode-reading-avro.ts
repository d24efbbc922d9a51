import { assertRowFits, settleRow, withFeatures } from '../feature-row.ts';
import { FEATURE_COUNT, MAX_ID_LENGTH, reject, validId, type Decoded, type DecodedHeader, type Reading } from '../reading.ts';
import { AvroCursor } from './avro-cursor.ts';
import { AVRO_HEADER, LABEL_SYMBOLS, hasAvroMarker } from './reading-schema.ts';

const cursor = new AvroCursor();

/** An Avro single-object reading, for the general path: the reading owns its features. */
export function decodeReadingAvro(bytes: Uint8Array): Decoded<Reading> {
  const features = new Float64Array(FEATURE_COUNT);
  return withFeatures(decodeReadingAvroInto(bytes, features, 0), features);
}

/**
 * An Avro single-object reading (schemas/reading.avsc), its 60 features written
 * straight into `target` from `offset` (a row of a design matrix); the rest comes
 * back. Never throws for any bytes: a record that is not a well-formed datum of the
 * schema is `invalid_avro` before any rule on its values is checked. A rejected
 * record leaves the row zeroed.
 */
export function decodeReadingAvroInto(bytes: Uint8Array, target: Float64Array, offset: number): DecodedHeader {
  assertRowFits(target, offset);
  return settleRow(target, offset, decodeDatum(bytes, target, offset));
}

function decodeDatum(bytes: Uint8Array, target: Float64Array, offset: number): DecodedHeader {
  const header = checkHeader(bytes);
  if (header !== undefined) return header;
  const c = cursor.reset(bytes, AVRO_HEADER.length);
  // Unions are [null, T]: branch 0 is null, 1 is the value.
  const idBranch = c.long();
  let id: string | undefined;
  if (idBranch === 1) {
    id = c.string();
    if (id === undefined) return malformed(c, 'the id is not a string: a bad length or not UTF-8');
  } else if (idBranch !== 0) return malformed(c, 'the id union index is neither 0 (null) nor 1 (string)');
  const count = c.doublesInto(target, offset, FEATURE_COUNT);
  if (count < 0) return malformed(c, 'the features are not an array of doubles: a bad block count or size, or cut short');
  const labelBranch = c.long();
  let label: Reading['label'];
  if (labelBranch === 1) {
    label = LABEL_SYMBOLS[c.long()];
    if (label === undefined) return malformed(c, 'the label enum index is neither 0 (R) nor 1 (M)');
  } else if (labelBranch !== 0) return malformed(c, 'the label union index is neither 0 (null) nor 1 (Label)');
  const holdout = c.byte();
  if (holdout !== 0 && holdout !== 1) return malformed(c, 'holdout is not a boolean byte (0 or 1)');
  const tsBranch = c.long();
  let ts: number | undefined;
  if (tsBranch === 1) {
    ts = c.long();
    if (ts !== ts) return malformed(c, 'ts is not a long: a varint cut short or past 64 bits');
  } else if (tsBranch !== 0) return malformed(c, 'the ts union index is neither 0 (null) nor 1 (long)');
  if (c.remaining !== 0) return reject('invalid_avro', `${c.remaining} bytes follow the datum`);
  return checkValues(count, c.allFinite, target, offset, id, ts) ?? { ok: true, id, label, holdout: holdout === 1, ts };
}

function checkHeader(bytes: Uint8Array): DecodedHeader | undefined {
  if (!hasAvroMarker(bytes)) return reject('invalid_avro', 'no Avro single-object marker C3 01');
  if (bytes.length < AVRO_HEADER.length) return reject('invalid_avro', `the single-object header is cut short at ${bytes.length} bytes`);
  for (let i = 2; i < AVRO_HEADER.length; i++) {
    if (bytes[i] !== AVRO_HEADER[i]) {
      return reject('unknown_schema', `schema fingerprint ${fingerprintHex(bytes)} is not the reading schema's ${fingerprintHex(AVRO_HEADER)}`);
    }
  }
  return undefined;
}

/** The rules of a reading, in the order the JSON decoder checks them. */
function checkValues(
  count: number,
  allFinite: boolean,
  target: Float64Array,
  offset: number,
  id: string | undefined,
  ts: number | undefined,
): DecodedHeader | undefined {
  if (count !== FEATURE_COUNT) return reject('wrong_feature_count', `expected ${FEATURE_COUNT} features, got ${count}`);
  for (let i = 0; !allFinite && i < FEATURE_COUNT; i++) {
    if (!Number.isFinite(target[offset + i])) return reject('non_finite_feature', `feature ${i} is ${target[offset + i]}`);
  }
  if (id !== undefined && !validId(id)) return reject('invalid_id', `id must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  if (ts !== undefined && !(ts >= 0 && ts <= Number.MAX_SAFE_INTEGER)) {
    return reject('invalid_ts', `ts must be epoch milliseconds from 0 to 2^53 - 1, got ${ts}`);
  }
  return undefined;
}

function malformed(c: AvroCursor, what: string): DecodedHeader {
  return reject('invalid_avro', `${what} (near byte ${c.pos})`);
}

function fingerprintHex(header: Uint8Array): string {
  return Array.from(header.subarray(2, AVRO_HEADER.length), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
