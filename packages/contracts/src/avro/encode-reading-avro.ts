import type { Reading } from '../reading.ts';
import { MAX_VARINT_BYTES, writeLong } from './avro-writer.ts';
import { AVRO_HEADER, LABEL_SYMBOLS } from './reading-schema.ts';

const utf8 = new TextEncoder();

/**
 * A reading in Avro single-object encoding (schemas/reading.avsc). Like the JSON
 * encoder it writes what it is given, a wrong count or a NaN included: refusing
 * those is the decoder's job. A fractional ts is rounded down to the millisecond;
 * a ts beyond ±(2^53 − 1) or not finite throws a RangeError, as a long cannot carry it.
 */
export function encodeReadingAvro(reading: Reading): Uint8Array {
  const id = reading.id === undefined ? undefined : utf8.encode(reading.id);
  const ts = reading.ts === undefined ? undefined : epochMillis(reading.ts);
  const count = reading.features.length;
  // At most: header, id (branch, length, bytes), features (block count, doubles, end), label, holdout, ts.
  const bound = AVRO_HEADER.length + 2 * MAX_VARINT_BYTES + (id?.length ?? 0) + 2 * MAX_VARINT_BYTES + 8 * count + 2 + 1 + 1 + MAX_VARINT_BYTES;
  const out = new Uint8Array(bound);
  const view = new DataView(out.buffer);
  out.set(AVRO_HEADER);
  let pos = AVRO_HEADER.length;
  pos = writeLong(out, pos, id === undefined ? 0 : 1); // union branch: null or string
  if (id !== undefined) {
    pos = writeLong(out, pos, id.length);
    out.set(id, pos);
    pos += id.length;
  }
  if (count > 0) pos = writeLong(out, pos, count); // one block of every feature, then the empty block that ends the array
  for (let i = 0; i < count; i++, pos += 8) view.setFloat64(pos, reading.features[i]!, true);
  pos = writeLong(out, pos, 0);
  pos = writeLong(out, pos, reading.label === undefined ? 0 : 1);
  if (reading.label !== undefined) pos = writeLong(out, pos, LABEL_SYMBOLS.indexOf(reading.label));
  out[pos++] = reading.holdout ? 1 : 0;
  pos = writeLong(out, pos, ts === undefined ? 0 : 1);
  if (ts !== undefined) pos = writeLong(out, pos, ts);
  return out.subarray(0, pos);
}

/** Whether a ts can be written: rounded down to the millisecond, a long carries it exactly only within ±(2^53 − 1). */
export function avroCarriesTs(ts: number): boolean {
  return Number.isSafeInteger(Math.floor(ts));
}

function epochMillis(ts: number): number {
  if (!avroCarriesTs(ts)) throw new RangeError(`ts ${ts} does not fit an Avro long of epoch milliseconds exactly`);
  return Math.floor(ts);
}
