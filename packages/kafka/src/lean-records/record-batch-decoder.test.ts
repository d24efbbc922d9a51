import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeRecordBatch, type BatchBytes, type DecodedRecordBatch } from './record-batch-decoder.ts';

const requireKafkajs = createRequire(import.meta.url);
const Decoder = requireKafkajs('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => BatchBytes;
const Long = requireKafkajs('kafkajs/src/utils/long') as { fromValue(value: string | number): unknown };
const encodeRecord = requireKafkajs('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
const { RecordBatch } = requireKafkajs('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch(batch: object): Promise<{ buffer: Buffer }> };
const { Types } = requireKafkajs('kafkajs/src/protocol/message/compression') as { Types: Record<string, number> };
const kafkajsDecodeRecordBatch = requireKafkajs('kafkajs/src/protocol/recordBatch/v0/decoder') as typeof decodeRecordBatch;

interface BatchPlan {
  firstOffset: string;
  firstTimestamp: number;
  count: number;
  compression?: number;
  transactional?: boolean;
}

async function batchBytes(plan: BatchPlan): Promise<Buffer> {
  const records = Array.from({ length: plan.count }, (_, i) =>
    encodeRecord({
      offsetDelta: i,
      timestampDelta: i % 3 === 0 ? i : -i * 1000,
      key: i % 4 === 0 ? null : Buffer.from(`k${i}`),
      value: i % 9 === 0 ? null : Buffer.from(JSON.stringify({ id: `r${i}`, pad: 'x'.repeat(i % 50) })),
      headers: i % 5 === 0 ? { trace: Buffer.from(`t${i}`), hop: [Buffer.from('a'), Buffer.from('b')] } : {},
    }),
  );
  const batch = await RecordBatch({
    compression: plan.compression ?? Types.None,
    firstOffset: Long.fromValue(plan.firstOffset),
    firstTimestamp: plan.firstTimestamp,
    maxTimestamp: plan.firstTimestamp + plan.count,
    transactional: plan.transactional ?? false,
    producerId: Long.fromValue(plan.transactional ? 4242 : -1),
    lastOffsetDelta: plan.count - 1,
    records,
  });
  return batch.buffer;
}

/** Every batch of `bytes` by `decode`, until the end or a partial batch (its error's name, as kafkajs' caller tells it). */
async function decodeAll(bytes: Buffer, decode: typeof decodeRecordBatch): Promise<{ batches: DecodedRecordBatch[]; stop: string }> {
  const decoder = new Decoder(bytes);
  const batches: DecodedRecordBatch[] = [];
  try {
    while (decoder.offset < bytes.length) batches.push(await decode(decoder));
    return { batches, stop: 'end' };
  } catch (error) {
    return { batches, stop: (error as Error).name };
  }
}

const PLANS: BatchPlan[] = [
  { firstOffset: '0', firstTimestamp: 1_764_763_200_000, count: 1 },
  { firstOffset: '1', firstTimestamp: 1_764_763_200_000, count: 500 },
  { firstOffset: '501', firstTimestamp: 1_764_763_300_000, count: 300, compression: Types.GZIP },
  { firstOffset: '801', firstTimestamp: 1_764_763_400_000, count: 40, transactional: true },
  { firstOffset: '9007199254740990', firstTimestamp: 9_007_199_254_740_000, count: 20 },
];

describe('the lean record-batch decoder', () => {
  it('gives what kafkajs gives for plain, gzip and transactional batches, one after another', async () => {
    const bytes = Buffer.concat(await Promise.all(PLANS.map(batchBytes)));
    const ours = await decodeAll(bytes, decodeRecordBatch);
    const theirs = await decodeAll(bytes, kafkajsDecodeRecordBatch);
    expect(ours.stop).toBe('end');
    expect(ours).toEqual(theirs);
    expect(ours.batches.map((batch) => batch.records.length)).toEqual(PLANS.map((plan) => plan.count));
    expect(ours.batches[4]!.records.at(-1)!.offset).toBe('9007199254741009');
  });

  it('stops at a batch cut short by the fetch, as kafkajs does, after the whole ones', async () => {
    const whole = await batchBytes(PLANS[1]!);
    const next = await batchBytes(PLANS[2]!);
    for (const cut of [4, 12, 40, next.length - 1]) {
      const bytes = Buffer.concat([whole, next.subarray(0, cut)]);
      const ours = await decodeAll(bytes, decodeRecordBatch);
      const theirs = await decodeAll(bytes, kafkajsDecodeRecordBatch);
      expect(ours.batches).toEqual(theirs.batches);
      expect(ours.batches).toHaveLength(1);
      expect(ours.stop).toBe(theirs.stop);
    }
  });
});
