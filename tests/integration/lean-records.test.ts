import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, type KafkaMessage } from 'kafkajs';
import { installLeanRecordDecoder, leanRecordsDecoded } from '@sonar/kafka';
import { readTopic } from '@sonar/testkit';
import { testContext, type TestContext } from '../support/context.ts';

const BASE_TIME = 1_764_763_200_000;

interface Sent {
  key: string | null;
  value: string | null;
  timestamp: string;
  headers: Record<string, string | string[]>;
}

/** Keys, tombstones, empty values, repeated headers, timestamps out of order and far apart. */
function messagesOf(batch: number, count: number): Sent[] {
  return Array.from({ length: count }, (_, i): Sent => ({
    key: i % 3 === 0 ? null : `k${batch}-${i}`,
    value: i % 7 === 0 ? null : i % 11 === 0 ? '' : JSON.stringify({ id: `r${batch}-${i}` }),
    timestamp: String(BASE_TIME + (i % 2 === 0 ? i : -i * 3_600_000)),
    headers: i % 5 === 0 ? { trace: `t${i}`, hop: ['a', 'b'] } : {},
  }));
}

const asText = (buffer: Buffer | null | undefined): string | null => (buffer == null ? null : buffer.toString());

function received(message: KafkaMessage): Sent {
  const headers = Object.fromEntries(
    Object.entries(message.headers ?? {}).map(([name, value]) => [name, Array.isArray(value) ? value.map((v) => String(v)) : String(value)]),
  );
  return { key: asText(message.key), value: asText(message.value), timestamp: message.timestamp, headers };
}

// The lean record decoder in the place of kafkajs' own, on records from the real broker:
// plain, compressed and transactional batches read back as they were written.
describe('the lean record decoder on a real broker', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    expect(installLeanRecordDecoder()).toBe('installed');
    ctx = await testContext('lean-records');
  });
  afterAll(() => ctx.cleanup());

  it('reads plain, gzip and transactional batches with their keys, values, headers, timestamps and offsets', async () => {
    const topic = ctx.topics.readings;
    await ctx.admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = ctx.kafka.producer({ transactionalId: `${ctx.id}-tx`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const plain = messagesOf(0, 400);
    const gzipped = messagesOf(1, 300);
    const committed = messagesOf(2, 50);
    await producer.send({ topic, acks: -1, messages: plain });
    await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: gzipped });
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: messagesOf(3, 20) });
    await aborted.abort();
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: committed });
    await transaction.commit();
    await producer.disconnect();

    const expected = [...plain, ...gzipped, ...committed];
    const decodedBefore = leanRecordsDecoded();
    const records = await readTopic(ctx.kafka, topic, { count: expected.length, readCommitted: true });

    expect(records.map(received)).toEqual(expected);
    const offsets = records.map((record) => Number(record.offset));
    // 700 records, then the aborted 20 and their abort marker, then the committed 50.
    expect(offsets).toEqual([...Array.from({ length: 700 }, (_, i) => i), ...Array.from({ length: 50 }, (_, i) => 721 + i)]);
    // Every record fetched went through it: the aborted ones and their markers too.
    expect(leanRecordsDecoded() - decodedBefore).toBeGreaterThanOrEqual(expected.length + 20 + 2);
  });

  it("reads a log-append-time topic's records with the broker's time, not the producer's", async () => {
    const topic = ctx.topics.classified;
    await ctx.admin.createTopics({
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
      waitForLeaders: true,
    });
    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = messagesOf(4, 200);
    const before = Date.now();
    await producer.send({ topic, acks: -1, messages: sent });
    const after = Date.now();
    await producer.disconnect();

    const records = await readTopic(ctx.kafka, topic, { count: sent.length });
    expect(records.map((record) => ({ ...received(record), timestamp: '' }))).toEqual(sent.map((message) => ({ ...message, timestamp: '' })));
    const appended = new Set(records.map((record) => record.timestamp));
    // One send, one batch: the broker stamps it once, within the send.
    expect(appended.size).toBe(1);
    const [stamp] = [...appended].map(Number);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
    expect(records.map((record) => record.offset)).toEqual(sent.map((_, i) => String(i)));
  });
});
