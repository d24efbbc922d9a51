import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext, type TestContext } from '../support/context.ts';

// The foundation every other test stands on: a real broker and a real Redis answer.
describe('the real Kafka broker and Redis', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testContext('foundation');
  });
  afterAll(() => ctx.cleanup());

  it('round-trips records through a topic with a consumer group', async () => {
    await ctx.createTopics(2);
    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic: ctx.topics.readings, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = ctx.kafka.consumer({ groupId: `${ctx.id}-group` });
    await consumer.connect();
    await consumer.subscribe({ topic: ctx.topics.readings, fromBeginning: true });
    const received: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message.value!.toString());
          if (received.length === sent.length) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(received.sort()).toEqual(sent.map((m) => m.value).sort());
  });

  it('commits a transaction that a read_committed consumer sees, and hides an aborted one', async () => {
    const topic = ctx.topics.classified;
    await ctx.admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = ctx.kafka.producer({ transactionalId: `${ctx.id}-tx`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'committed' }] });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted' }] });
    await aborted.abort();
    await producer.disconnect();

    const consumer = ctx.kafka.consumer({ groupId: `${ctx.id}-tx-group`, readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      setTimeout(resolve, 3000);
    });
    await consumer.disconnect();
    expect(seen).toEqual(['committed']);
  });

  it('stores and reads a value in Redis', async () => {
    await ctx.redis.set(`${ctx.redisPrefix}:probe`, 'theta');
    expect(await ctx.redis.get(`${ctx.redisPrefix}:probe`)).toBe('theta');
  });
});
