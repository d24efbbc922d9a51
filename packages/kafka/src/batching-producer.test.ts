import { describe, expect, it } from 'vitest';
import type { Message, Producer, ProducerBatch } from 'kafkajs';
import { BatchingProducer } from './batching-producer.ts';

/** A stand-in for kafkajs' producer that records requests and acknowledges when told to. */
function fakeProducer() {
  const requests: ProducerBatch[] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const producer = {
    sendBatch: (batch: ProducerBatch) => {
      requests.push(batch);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve, reject) => {
        pending.push({
          resolve: () => {
            inFlight -= 1;
            resolve([]);
          },
          reject: (e) => {
            inFlight -= 1;
            reject(e);
          },
        });
      });
    },
  } as unknown as Producer;
  /** Acknowledges requests as they come until `done` settles. */
  const ackAll = async (done?: Promise<unknown>) => {
    let settled = done === undefined;
    void done?.finally(() => (settled = true));
    do {
      while (pending.length > 0) pending.shift()!.resolve();
      await new Promise((r) => setTimeout(r, 2));
    } while (!settled || pending.length > 0);
  };
  return { producer, requests, pending, ackAll, maxInFlight: () => maxInFlight };
}

const messages = (n: number, size = 10): Message[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(size) }));
const count = (batch: ProducerBatch) => batch.topicMessages!.reduce((n, t) => n + t.messages.length, 0);

describe('BatchingProducer', () => {
  it('sends on the message count without waiting for the linger', async () => {
    const fake = fakeProducer();
    const producer = new BatchingProducer(fake.producer, { maxBatchMessages: 100, lingerMs: 60_000 });
    const sent = producer.send('t', messages(100));
    expect(fake.requests).toHaveLength(1);
    await fake.ackAll();
    await sent;
  });

  it('sends after the linger when fewer messages wait', async () => {
    const fake = fakeProducer();
    const producer = new BatchingProducer(fake.producer, { maxBatchMessages: 100, lingerMs: 5 });
    const sent = producer.send('t', messages(3));
    expect(fake.requests).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.requests).toHaveLength(1);
    await fake.ackAll();
    await sent;
  });

  it('splits a large call so no request exceeds the byte or message limit, in order, one in flight', async () => {
    const fake = fakeProducer();
    const producer = new BatchingProducer(fake.producer, { maxBatchMessages: 50, maxBatchBytes: 2000, lingerMs: 1 });
    const input = messages(230, 100);
    const sent = producer.send('t', input);
    await fake.ackAll(sent);
    expect(fake.maxInFlight()).toBe(1);
    expect(fake.requests.every((r) => count(r) <= 50)).toBe(true);
    expect(fake.requests.every((r) => count(r) * 142 <= 2000 + 142)).toBe(true);
    const order = fake.requests.flatMap((r) => r.topicMessages![0]!.messages.map((m) => m.key));
    expect(order).toEqual(input.map((m) => m.key));
  });

  it('groups several calls and topics into one request and resolves each on the acknowledgement', async () => {
    const fake = fakeProducer();
    const producer = new BatchingProducer(fake.producer, { maxBatchMessages: 100, lingerMs: 1 });
    let resolved = 0;
    const calls = [producer.send('a', messages(2)), producer.send('b', messages(3)), producer.send('a', messages(1))].map((p) =>
      p.then(() => (resolved += 1)),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.topicMessages!.map((t) => [t.topic, t.messages.length])).toEqual([
      ['a', 3],
      ['b', 3],
    ]);
    expect(resolved).toBe(0);
    await fake.ackAll();
    await Promise.all(calls);
    expect(resolved).toBe(3);
  });

  it('rejects the calls of a failed request', async () => {
    const fake = fakeProducer();
    const producer = new BatchingProducer(fake.producer, { maxBatchMessages: 10, lingerMs: 1 });
    const sent = producer.send('t', messages(10));
    fake.pending.shift()!.reject(new Error('broker said no'));
    await expect(sent).rejects.toThrow('broker said no');
  });

  it('applies backpressure above the high-water mark', async () => {
    const fake = fakeProducer();
    const producer = new BatchingProducer(fake.producer, { maxBatchMessages: 10, lingerMs: 1, highWaterMark: 20 });
    const sent = [producer.send('t', messages(10)), producer.send('t', messages(10))];
    expect(producer.writable).toBe(false);
    let writable = false;
    const waiting = producer.whenWritable().then(() => (writable = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(writable).toBe(false);
    await fake.ackAll();
    await waiting;
    expect(writable).toBe(true);
    await Promise.all(sent);
  });
});
