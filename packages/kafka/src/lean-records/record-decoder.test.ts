import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeRecord, type RecordBatchContext, type RecordBytes } from './record-decoder.ts';

const requireKafkajs = createRequire(import.meta.url);
const Decoder = requireKafkajs('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => RecordBytes;
const encodeRecord = requireKafkajs('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => { buffer: Buffer };
const kafkajsDecodeRecord = requireKafkajs('kafkajs/src/protocol/recordBatch/record/v0/decoder') as typeof decodeRecord;
const { CREATE_TIME, LOG_APPEND_TIME } = requireKafkajs('kafkajs/src/protocol/timestampTypes') as Record<string, number>;

/** One record's bytes, as kafkajs' record-batch decoder cuts them out of the batch. */
function recordBytes(record: object): Buffer {
  return new Decoder(encodeRecord(record).buffer).readVarIntBytes()!;
}

function decodeBoth(bytes: Buffer, context: RecordBatchContext) {
  const ours = new Decoder(bytes);
  const theirs = new Decoder(bytes);
  return { ours: decodeRecord(ours, context), theirs: kafkajsDecodeRecord(theirs, context), oursAt: ours.offset, theirsAt: theirs.offset };
}

const FIRST_OFFSETS = ['0', '41', '1000000', '9007199254740000', '9007199254740991', '9007199254740992', '9223372036854775000'];
const OFFSET_DELTAS = [0, 1, 127, 128, 16_383, 16_384, 2_147_483_647];
const FIRST_TIMESTAMPS = ['-1', '0', '1764763200000', '9007199254740991', '9223372036854775000'];
// Around each varint length, negative too, and past the four bytes the short path reads.
const TIMESTAMP_DELTAS = [0, 1, -1, 63, -64, 64, 8191, -8192, 8192, 2 ** 20, -(2 ** 20), 2 ** 27 - 1, -(2 ** 27), 2 ** 27, -(2 ** 27) - 1, 2 ** 40, -(2 ** 40), '9223372036854775807'];
const CONTENTS = [
  { key: null, value: Buffer.from('{"id":"r1"}'), headers: {} },
  { key: Buffer.from('k'), value: null, headers: {} },
  { key: Buffer.alloc(0), value: Buffer.alloc(0), headers: {} },
  { key: null, value: Buffer.alloc(300, 7), headers: { trace: Buffer.from('abc') } },
  { key: Buffer.from('k'), value: Buffer.from([0xc3, 0x01]), headers: { a: [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')], b: Buffer.from('x') } },
];

describe('the lean record decoder', () => {
  it('gives what kafkajs gives, for every offset, timestamp and content mix', () => {
    let compared = 0;
    for (const firstOffset of FIRST_OFFSETS)
      for (const offsetDelta of OFFSET_DELTAS)
        for (const firstTimestamp of FIRST_TIMESTAMPS)
          for (const timestampDelta of TIMESTAMP_DELTAS) {
            const content = CONTENTS[compared % CONTENTS.length]!;
            const bytes = recordBytes({ offsetDelta, timestampDelta, ...content });
            const context = { firstOffset, firstTimestamp, maxTimestamp: '1764763200999', timestampType: CREATE_TIME!, magicByte: 2, isControlBatch: compared % 2 === 0 };
            const { ours, theirs, oursAt, theirsAt } = decodeBoth(bytes, context);
            expect(ours).toStrictEqual(theirs);
            expect(oursAt).toBe(bytes.length);
            expect(theirsAt).toBe(bytes.length);
            compared++;
          }
    expect(compared).toBe(FIRST_OFFSETS.length * OFFSET_DELTAS.length * FIRST_TIMESTAMPS.length * TIMESTAMP_DELTAS.length);
  });

  it('gives kafkajs exact sums past 2^53, where plain numbers would round', () => {
    // As doubles, 2^53 + 1 + 2 comes out as 2^53 + 2, and 2^53 + 7 + 6 as 2^53 + 14.
    const bytes = recordBytes({ offsetDelta: 2, timestampDelta: 6, key: null, value: Buffer.from('v') });
    const context = { firstOffset: '9007199254740993', firstTimestamp: '9007199254740999', maxTimestamp: '0', timestampType: CREATE_TIME!, magicByte: 2 };
    const { ours, theirs } = decodeBoth(bytes, context);
    expect(ours.offset).toBe('9007199254740995');
    expect(ours.timestamp).toBe('9007199254741005');
    expect(ours).toStrictEqual(theirs);
  });

  it('takes the batch time for log-append batches, as kafkajs does, whatever the delta', () => {
    for (const timestampDelta of [0, 2 ** 27, '-9223372036854775808']) {
      const bytes = recordBytes({ offsetDelta: 1, timestampDelta, key: null, value: Buffer.from('v') });
      const context = { firstOffset: '10', firstTimestamp: '5', maxTimestamp: '1764763200999', timestampType: LOG_APPEND_TIME!, magicByte: 2 };
      const { ours, theirs, oursAt } = decodeBoth(bytes, context);
      expect(ours).toStrictEqual(theirs);
      expect(ours.timestamp).toBe('1764763200999');
      expect(ours.offset).toBe('11');
      expect(oursAt).toBe(bytes.length);
    }
  });

  it('gives each record the timestamp of its own batch and delta, where neighbours share one', () => {
    const decode = (delta: number, context: RecordBatchContext) => decodeBoth(recordBytes({ timestampDelta: delta, key: null, value: Buffer.from('v') }), context);
    const first = { firstOffset: '0', firstTimestamp: '1000', maxTimestamp: '0', timestampType: CREATE_TIME!, magicByte: 2 };
    // The same first timestamp in another batch object, and a batch that starts elsewhere.
    const twin = { ...first };
    const other = { ...first, firstTimestamp: '5000' };
    const plan: [number, RecordBatchContext, string][] = [
      [5, first, '1005'],
      [5, first, '1005'],
      [6, first, '1006'],
      [5, first, '1005'],
      [5, other, '5005'],
      [5, twin, '1005'],
      [-5, twin, '995'],
      [5, first, '1005'],
    ];
    for (const [delta, context, timestamp] of plan) {
      const { ours, theirs } = decode(delta, context);
      expect(ours.timestamp).toBe(timestamp);
      expect(ours).toStrictEqual(theirs);
    }
  });

  it('keeps a header named __proto__ as an own field, as kafkajs does', () => {
    const bytes = recordBytes({ key: null, value: Buffer.from('v'), headers: JSON.parse('{"__proto__":"p"}') });
    const context = { firstOffset: '0', firstTimestamp: '0', maxTimestamp: '0', timestampType: CREATE_TIME!, magicByte: 2 };
    const { ours, theirs } = decodeBoth(bytes, context);
    expect(Object.getOwnPropertyNames(ours.headers)).toEqual(Object.getOwnPropertyNames(theirs.headers));
    expect(ours).toStrictEqual(theirs);
  });
});
