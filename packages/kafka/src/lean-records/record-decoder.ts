/**
 * A leaner decoder for one record of a Kafka record batch (format v2), with the very
 * output of kafkajs' own (`protocol/recordBatch/record/v0/decoder.js`): the same fields,
 * the same strings for offset and timestamp, the same headers object.
 *
 * kafkajs computes every record's offset and timestamp in BigInt: it parses the batch's
 * first offset and first timestamp from strings, adds the delta and prints the sum, and it
 * reads each delta a byte at a time into BigInt. Offsets and timestamps are far below 2^53,
 * so plain numbers give the same digits at a fraction of the cost; any value that would not
 * fit takes kafkajs' own path.
 */
import { kafkajsPart } from './kafkajs-source.ts';

/** The kafkajs decoder over one record's bytes: only what this file touches. */
export interface RecordBytes {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarLong(): object;
  readVarIntBytes(): Buffer | null;
  readVarIntArray<T>(reader: (decoder: RecordBytes) => T): T[];
}

/** What kafkajs' record-batch decoder hands to each record: one object per batch. */
export interface RecordBatchContext {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  timestampType: number;
  magicByte: number;
  isControlBatch?: boolean;
}

export type Headers = Record<string, Buffer | null | (Buffer | null)[]>;

export interface DecodedRecord {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  isControlRecord: boolean;
  batchContext: RecordBatchContext;
}

const Long = kafkajsPart<{ fromValue(value: string): { add(other: object): { toString(): string } } }>('utils/long');
const TimestampTypes = kafkajsPart<{ LOG_APPEND_TIME: number }>('protocol/timestampTypes');
const HeaderDecoder = kafkajsPart<(decoder: RecordBytes) => { key: string; value: Buffer | null }>('protocol/recordBatch/header/v0/decoder');

export function decodeRecord(decoder: RecordBytes, batchContext: RecordBatchContext): DecodedRecord {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const attributes = decoder.readInt8();

  const timestampDelta = readSmallVarLong(decoder) ?? decoder.readVarLong();
  const timestamp =
    timestampType === TimestampTypes.LOG_APPEND_TIME && maxTimestamp
      ? maxTimestamp
      : typeof timestampDelta === 'number'
        ? timestampOf(batchContext, timestampDelta)
        : Long.fromValue(firstTimestamp).add(timestampDelta).toString();

  const offset = plus(firstOffset, decoder.readVarInt());
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const headers = readHeaders(decoder);

  return { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord: isControlBatch, batchContext };
}

/**
 * A zigzag varlong of up to four bytes (|value| < 2^27, a timestamp delta of 37 hours),
 * or undefined, with the decoder left where it was, for kafkajs to read it.
 */
function readSmallVarLong(decoder: RecordBytes): number | undefined {
  const { buffer } = decoder;
  let at = decoder.offset;
  let byte = buffer[at++]!;
  let raw = byte & 0x7f;
  if (byte >= 0x80) {
    byte = buffer[at++]!;
    raw |= (byte & 0x7f) << 7;
    if (byte >= 0x80) {
      byte = buffer[at++]!;
      raw |= (byte & 0x7f) << 14;
      if (byte >= 0x80) {
        byte = buffer[at++]!;
        raw |= (byte & 0x7f) << 21;
        if (byte >= 0x80) return undefined;
      }
    }
  }
  decoder.offset = at;
  return (raw >>> 1) ^ -(raw & 1);
}

/**
 * The last timestamp printed, and from which first timestamp and delta: records sent
 * within the same millisecond share it, and at high rates most neighbours are such records.
 */
const lastTimestamp = { first: '', delta: 0, timestamp: '' };

function timestampOf(batch: RecordBatchContext, delta: number): string {
  if (lastTimestamp.first !== batch.firstTimestamp || lastTimestamp.delta !== delta) {
    lastTimestamp.first = batch.firstTimestamp;
    lastTimestamp.delta = delta;
    lastTimestamp.timestamp = plus(batch.firstTimestamp, delta);
  }
  return lastTimestamp.timestamp;
}

/** A decimal int64 plus a small delta, as kafkajs prints it; BigInt past 2^53. */
function plus(decimal: string, delta: number): string {
  const base = Number(decimal);
  const sum = base + delta;
  return Number.isSafeInteger(base) && Number.isSafeInteger(sum) ? String(sum) : (BigInt(decimal) + BigInt(delta)).toString();
}

/** kafkajs' headers object: a repeated key collects its values into an array, in order. */
function readHeaders(decoder: RecordBytes): Headers {
  const start = decoder.offset;
  const count = decoder.readVarInt();
  if (count === 0 || count === -1) return {};
  // A count below -1 fails in kafkajs' own reader, as it does there.
  decoder.offset = start;
  return decoder.readVarIntArray(HeaderDecoder).reduce<Headers>(
    (headers, { key, value }) => ({
      ...headers,
      [key]: headers[key] === undefined ? value : Array.isArray(headers[key]) ? headers[key].concat([value]) : [headers[key], value],
    }),
    {},
  );
}
