/**
 * kafkajs' record-batch decoder (`protocol/recordBatch/v0/decoder.js`) with the same
 * output, reading each record where it lies in the batch: kafkajs cuts every record
 * out into a Buffer of its own and wraps it in a decoder of its own first, two objects
 * per record that die at once. Its records go through the lean record decoder.
 */
import { kafkajsPart } from './kafkajs-source.ts';
import { decodeRecord, type DecodedRecord, type RecordBatchContext, type RecordBytes } from './record-decoder.ts';

/** The kafkajs decoder over a fetch response, positioned at a record batch. */
export interface BatchBytes extends RecordBytes {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readAll(): Buffer;
  slice(size: number): BatchBytes;
  forward(size: number): void;
}

interface Codec {
  decompress(compressed: Buffer): Promise<Buffer>;
}

export interface DecodedRecordBatch extends Omit<RecordBatchContext, 'magicByte'> {
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  records: DecodedRecord[];
}

const Decoder = kafkajsPart<new (buffer: Buffer) => BatchBytes>('protocol/decoder');
const { KafkaJSPartialMessageError } = kafkajsPart<{ KafkaJSPartialMessageError: new (message: string) => Error }>('errors');
// kafkajs' own codec table, so that codecs a user registers (Snappy, LZ4, ZSTD) are found here too.
const { lookupCodecByAttributes } = kafkajsPart<{ lookupCodecByAttributes(attributes: number): Codec | null }>('protocol/message/compression');
const TimestampTypes = kafkajsPart<{ LOG_APPEND_TIME: number; CREATE_TIME: number }>('protocol/timestampTypes');

const TIMESTAMP_TYPE_FLAG_MASK = 0x8;
const TRANSACTIONAL_FLAG_MASK = 0x10;
const CONTROL_FLAG_MASK = 0x20;

export async function decodeRecordBatch(fetchDecoder: BatchBytes): Promise<DecodedRecordBatch> {
  const firstOffset = fetchDecoder.readInt64().toString();
  const length = fetchDecoder.readInt32();
  const decoder = fetchDecoder.slice(length);
  fetchDecoder.forward(length);
  // A fetch may end inside a batch: kafkajs' caller stops at this error.
  if (decoder.buffer.length < length) {
    throw new KafkaJSPartialMessageError(`Tried to decode a partial record batch: remainingBytes(${decoder.buffer.length}) < recordBatchLength(${length})`);
  }

  const partitionLeaderEpoch = decoder.readInt32();
  const magicByte = decoder.readInt8();
  decoder.readInt32(); // the CRC, which kafkajs does not check either
  const attributes = decoder.readInt16();
  const lastOffsetDelta = decoder.readInt32();
  const firstTimestamp = decoder.readInt64().toString();
  const maxTimestamp = decoder.readInt64().toString();
  const producerId = decoder.readInt64().toString();
  const producerEpoch = decoder.readInt16();
  const firstSequence = decoder.readInt32();

  const batch = {
    firstOffset,
    firstTimestamp,
    partitionLeaderEpoch,
    inTransaction: (attributes & TRANSACTIONAL_FLAG_MASK) > 0,
    isControlBatch: (attributes & CONTROL_FLAG_MASK) > 0,
    lastOffsetDelta,
    producerId,
    producerEpoch,
    firstSequence,
    maxTimestamp,
    timestampType: (attributes & TIMESTAMP_TYPE_FLAG_MASK) > 0 ? TimestampTypes.LOG_APPEND_TIME : TimestampTypes.CREATE_TIME,
  };
  const records = await decodeRecords(lookupCodecByAttributes(attributes), decoder, { ...batch, magicByte });
  return { ...batch, records };
}

async function decodeRecords(codec: Codec | null, decoder: BatchBytes, context: RecordBatchContext): Promise<DecodedRecord[]> {
  const count = decoder.readInt32();
  if (!codec) return count === -1 ? [] : recordsIn(decoder, count, context);
  if (count <= 0) return [];
  return recordsIn(new Decoder(await codec.decompress(decoder.readAll())), count, context);
}

let decoded = 0;

/** Records this decoder has decoded in this process: proof that kafkajs calls it. */
export const recordsDecoded = (): number => decoded;

function recordsIn(decoder: BatchBytes, count: number, context: RecordBatchContext): DecodedRecord[] {
  const records = new Array<DecodedRecord>(count);
  for (let i = 0; i < count; i++) {
    const start = decoder.offset;
    const length = decoder.readVarInt();
    const end = decoder.offset + length;
    records[i] = (length >= 0 && recordInPlace(decoder, context, end)) || recordCutOut(decoder, context, start);
    decoded++;
  }
  return records;
}

/** The record read where it lies, or undefined when its fields run past its length (a corrupt record). */
function recordInPlace(decoder: BatchBytes, context: RecordBatchContext, end: number): DecodedRecord | undefined {
  try {
    const record = decodeRecord(decoder, context);
    if (decoder.offset > end) return undefined;
    // As where kafkajs cuts the record out: what follows its fields within its length is skipped.
    decoder.offset = end;
    return record;
  } catch {
    return undefined;
  }
}

/** kafkajs' way, for a corrupt record: cut out by its length, with kafkajs' result or error. */
function recordCutOut(decoder: BatchBytes, context: RecordBatchContext, start: number): DecodedRecord {
  decoder.offset = start;
  return decodeRecord(new Decoder(decoder.readVarIntBytes()!), context);
}
