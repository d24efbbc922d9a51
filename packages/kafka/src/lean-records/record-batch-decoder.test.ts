import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeRecordBatch, type BatchBytes, type DecodedRecordBatch } from './record-batch-decoder.ts';

const requireKafkajs = createRequire(import.meta.url);
const Decoder = requireKafkajs('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => BatchBytes;
const Long = requireKafkajs('kafkajs/src/utils/long') as { fromValue(value: string | number): unknown };
const encodeRecord = requireKafkajs('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
const { RecordBatch } = requireKafkajs('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch(batch: object): Promise<{ buffer: Buffer }> };
const compression = requireKafkajs('kafkajs/src/protocol/message/compression') as { Types: Record<string, number>; Codecs: Record<number, unknown> };
const kafkajsDecodeRecordBatch = requireKafkajs('kafkajs/src/protocol/recordBatch/v0/decoder') as typeof decodeRecordBatch;
const { Types } = compression;

interface Encoder {
  buffer: Buffer;
  writeInt8(value: number): Encoder;
  writeInt16(value: number): Encoder;
  writeInt32(value: number): Encoder;
  writeInt64(value: string): Encoder;
  writeVarInt(value: number): Encoder;
  writeVarLong(value: number): Encoder;
  writeVarIntBytes(value: Buffer | null): Encoder;
  writeVarIntString(value: string): Encoder;
  writeBuffer(value: Buffer): Encoder;
}
const Encoder = requireKafkajs('kafkajs/src/protocol/encoder') as new () => Encoder;

interface BatchPlan {
  firstOffset: string;
  firstTimestamp: string;
  count: number;
  compression?: number;
  transactional?: boolean;
}

/** Timestamp deltas in runs of equal ones (records of the same millisecond), out of order, and past four varint bytes. */
const timestampDelta = (i: number): number => (i % 7 === 6 ? 2 ** 30 + i : i % 3 === 0 ? Math.floor(i / 10) : -i * 1000);

async function batchBytes(plan: BatchPlan): Promise<Buffer> {
  const records = Array.from({ length: plan.count }, (_, i) =>
    encodeRecord({
      offsetDelta: i,
      timestampDelta: timestampDelta(i),
      key: i % 4 === 0 ? null : Buffer.from(`k${i}`),
      value: i % 9 === 0 ? null : Buffer.from(JSON.stringify({ id: `r${i}`, pad: 'x'.repeat(i % 50) })),
      headers: i % 5 === 0 ? { trace: Buffer.from(`t${i}`), hop: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')] } : {},
    }),
  );
  const batch = await RecordBatch({
    compression: plan.compression ?? Types.None,
    firstOffset: Long.fromValue(plan.firstOffset),
    firstTimestamp: plan.firstTimestamp,
    maxTimestamp: plan.firstTimestamp,
    transactional: plan.transactional ?? false,
    producerId: Long.fromValue(plan.transactional ? 4242 : -1),
    lastOffsetDelta: plan.count - 1,
    records,
  });
  return batch.buffer;
}

/** Where a batch's attributes end: first offset, length, leader epoch, magic, CRC, then the int16. */
const ATTRIBUTES_LOW_BYTE = 8 + 4 + 4 + 1 + 4 + 1;
const LOG_APPEND_TIME = 0x08;
const CONTROL = 0x20;

/** Every batch of `bytes` by `decode`, until the end or an error (its name and message). */
async function decodeAll(bytes: Buffer, decode: typeof decodeRecordBatch): Promise<{ batches: DecodedRecordBatch[]; stop: string }> {
  const decoder = new Decoder(bytes);
  const batches: DecodedRecordBatch[] = [];
  try {
    while (decoder.offset < bytes.length) batches.push(await decode(decoder));
    return { batches, stop: 'end' };
  } catch (error) {
    return { batches, stop: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

async function expectSameAsKafkajs(bytes: Buffer): Promise<{ batches: DecodedRecordBatch[]; stop: string }> {
  const ours = await decodeAll(bytes, decodeRecordBatch);
  expect(ours).toStrictEqual(await decodeAll(bytes, kafkajsDecodeRecordBatch));
  return ours;
}

const PLANS: BatchPlan[] = [
  { firstOffset: '0', firstTimestamp: '1764763200000', count: 1 },
  { firstOffset: '1', firstTimestamp: '1764763200000', count: 500 },
  { firstOffset: '501', firstTimestamp: '1764763300000', count: 300, compression: Types.GZIP },
  { firstOffset: '801', firstTimestamp: '1764763400000', count: 40, transactional: true },
  { firstOffset: '9007199254740990', firstTimestamp: '9007199254740990', count: 20 },
];

/** A batch of records given as bytes (each with its length), none of it checked: the CRC is 0, as neither decoder reads it. */
function rawBatch(records: Buffer[]): Buffer {
  const body = new Encoder()
    .writeInt32(0)
    .writeInt8(2)
    .writeInt32(0)
    .writeInt16(0)
    .writeInt32(records.length - 1)
    .writeInt64('1764763200000')
    .writeInt64('1764763200000')
    .writeInt64('-1')
    .writeInt16(0)
    .writeInt32(0)
    .writeInt32(records.length)
    .writeBuffer(Buffer.concat(records)).buffer;
  return new Encoder().writeInt64('100').writeInt32(body.length).writeBuffer(body).buffer;
}

/** A record's fields, without its length; `headerCount` overrides the count written. */
function recordFields(value: string, headers: [string, Buffer | null][] = [], headerCount = headers.length): Buffer {
  const encoder = new Encoder().writeInt8(0).writeVarLong(3).writeVarInt(0).writeVarIntBytes(null).writeVarIntBytes(Buffer.from(value)).writeVarInt(headerCount);
  for (const [key, headerValue] of headers) encoder.writeVarIntString(key).writeVarIntBytes(headerValue);
  return encoder.buffer;
}

const withLength = (fields: Buffer, length = fields.length): Buffer => Buffer.concat([new Encoder().writeVarInt(length).buffer, fields]);

describe('the lean record-batch decoder', () => {
  it('is compared with kafkajs’ own decoder, not with itself', () => {
    expect(kafkajsDecodeRecordBatch).not.toBe(decodeRecordBatch);
  });

  it('gives what kafkajs gives for plain, gzip, transactional and past-2^53 batches, one after another', async () => {
    const ours = await expectSameAsKafkajs(Buffer.concat(await Promise.all(PLANS.map(batchBytes))));
    expect(ours.stop).toBe('end');
    expect(ours.batches.map((batch) => batch.records.length)).toEqual(PLANS.map((plan) => plan.count));
    const last = ours.batches[4]!.records;
    expect(last.at(-1)!.offset).toBe('9007199254741009');
    expect(last[6]!.timestamp).toBe(String(9_007_199_254_740_990n + 2n ** 30n + 6n));
  });

  it('gives what kafkajs gives for log-append-time and control batches', async () => {
    for (const flags of [LOG_APPEND_TIME, CONTROL, LOG_APPEND_TIME | CONTROL]) {
      const bytes = await batchBytes(PLANS[1]!);
      bytes[ATTRIBUTES_LOW_BYTE] = bytes[ATTRIBUTES_LOW_BYTE]! | flags;
      const { batches } = await expectSameAsKafkajs(bytes);
      const records = batches[0]!.records;
      expect(records.every((record) => record.isControlRecord === ((flags & CONTROL) !== 0))).toBe(true);
      if (flags & LOG_APPEND_TIME) expect(new Set(records.map((record) => record.timestamp))).toEqual(new Set(['1764763200000']));
    }
  });

  it('decompresses with a codec the user registered in kafkajs', async () => {
    const codecs = compression.Codecs;
    const registered = codecs[Types.Snappy!];
    let decompressed = 0;
    codecs[Types.Snappy!] = () => ({
      compress: async (encoder: { buffer: Buffer }) => encoder.buffer,
      decompress: async (buffer: Buffer) => (decompressed++, buffer),
    });
    try {
      const { batches } = await expectSameAsKafkajs(await batchBytes({ ...PLANS[2]!, compression: Types.Snappy }));
      expect(batches[0]!.records).toHaveLength(300);
      expect(decompressed).toBe(2);
    } finally {
      codecs[Types.Snappy!] = registered;
    }
  });

  it('stops at a batch cut short by the fetch with kafkajs’ partial-batch error, after the whole ones', async () => {
    const whole = await batchBytes(PLANS[1]!);
    const next = await batchBytes(PLANS[2]!);
    for (const cut of [12, 40, next.length - 1]) {
      const ours = await expectSameAsKafkajs(Buffer.concat([whole, next.subarray(0, cut)]));
      expect(ours.batches).toHaveLength(1);
      expect(ours.stop).toMatch(/^KafkaJSPartialMessageError: Tried to decode a partial record batch/);
    }
  });

  it('gives kafkajs’ result or error for null and repeated headers and for corrupt records', async () => {
    const fine = recordFields('fine', [['h', null], ['a', Buffer.from('1')], ['a', Buffer.from('2')], ['a', Buffer.from('3')]]);
    const next = withLength(recordFields('next'));
    const cases = {
      'null and thrice repeated headers': [withLength(fine), next],
      'bytes after the fields, within the length': [withLength(Buffer.concat([fine, Buffer.from([7, 7, 7])])), next],
      'a length shorter than the fields': [withLength(fine, fine.length - 3), next],
      'a length of 0': [withLength(fine, 0), next],
      'a length of -1': [withLength(fine, -1), next],
      'a length below -1': [withLength(fine, -5), next],
      'a header count below -1': [withLength(recordFields('v', [], -2)), next],
    };
    const outcomes: Record<string, string> = {};
    for (const [name, records] of Object.entries(cases)) outcomes[name] = (await expectSameAsKafkajs(rawBatch(records))).stop;
    // Both decoders fail on the same corrupt records, with the same errors.
    expect(outcomes['null and thrice repeated headers']).toBe('end');
    expect(outcomes['bytes after the fields, within the length']).toBe('end');
    expect(outcomes['a length of -1']).toMatch(/^TypeError/);
    expect(outcomes['a header count below -1']).toMatch(/^RangeError/);
  });
});
