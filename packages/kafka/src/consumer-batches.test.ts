import { describe, expect, it } from 'vitest';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { BatchSource, type ConsumedBatch } from './consumer-batches.ts';

/** A stand-in for kafkajs' consumer: the test plays its fetch loop, one eachBatch call after another. */
function fakeConsumer(heartbeat: () => Promise<void> = async () => undefined) {
  const listeners = new Map<string, () => void>();
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const seeks: { partition: number; offset: string }[] = [];
  const resolved: string[] = [];
  let paused = false;
  const consumer = {
    events: { CRASH: 'crash', GROUP_JOIN: 'group-join' },
    on: (event: string, listener: () => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
    subscribe: async () => undefined,
    run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = config.eachBatch;
    },
    pause: () => (paused = true),
    seek: (s: { partition: number; offset: string }) => seeks.push(s),
    commitOffsets: async () => undefined,
    stop: async () => undefined,
  } as unknown as Consumer;
  /** kafkajs hands over a fetched batch; resolves when its eachBatch returns. */
  const deliver = (partition: number, from: number, count: number) => {
    const messages = Array.from({ length: count }, (_, i) => ({ offset: String(from + i) }) as KafkaMessage);
    return eachBatch!({
      batch: { topic: 't', partition, messages, highWatermark: '0' },
      isStale: () => false,
      resolveOffset: (offset: string) => resolved.push(`${partition}:${offset}`),
      heartbeat,
    } as unknown as EachBatchPayload);
  };
  const emit = (event: string) => listeners.get(event)?.();
  return { consumer, deliver, seeks, resolved, paused: () => paused, emit };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const state = (p: Promise<unknown>) => Promise.race([p.then(() => 'returned'), settle().then(() => 'pending')]);

function started(prefetch: number) {
  const fake = fakeConsumer();
  const source = new BatchSource(fake.consumer, { topics: ['t'], fromBeginning: true, prefetch, heartbeatMs: 1000 });
  const seen: ConsumedBatch[] = [];
  let completed = false;
  source.batches$.subscribe({ next: (b) => seen.push(b), complete: () => (completed = true) });
  return { fake, source, seen, completed: () => completed };
}

describe('BatchSource', () => {
  it('says a rebalance is pending once a heartbeat of a held batch is answered so, until the member joins again', async () => {
    const rebalancing = Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
    const fake = fakeConsumer(async () => {
      throw rebalancing;
    });
    const source = new BatchSource(fake.consumer, { topics: ['t'], fromBeginning: true, prefetch: 0, heartbeatMs: 5 });
    const seen: ConsumedBatch[] = [];
    source.batches$.subscribe({ next: (b) => seen.push(b) });
    await settle();
    const held = fake.deliver(0, 0, 1);
    expect(source.rebalancePending).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(source.rebalancePending).toBe(true);
    seen[0]!.release();
    await held;
    fake.emit('group-join');
    expect(source.rebalancePending).toBe(false);
  });

  it('without prefetch, holds each batch until the pipeline releases it, then moves the fetch position', async () => {
    const { fake, seen } = started(0);
    await settle();
    const first = fake.deliver(0, 0, 3);
    await settle();
    expect(seen).toHaveLength(1);
    expect(await state(first)).toBe('pending');
    seen[0]!.release();
    expect(await state(first)).toBe('returned');
    expect(fake.resolved).toEqual(['0:2']);
  });

  it('with prefetch 1, kafkajs fetches the next batch while the pipeline works on one, and no more', async () => {
    const { fake, seen } = started(1);
    await settle();
    // The first goes straight into the pipeline: kafkajs may fetch on at once.
    expect(await state(fake.deliver(0, 0, 2))).toBe('returned');
    expect(fake.resolved).toEqual(['0:1']);
    // The second waits for the pipeline, and kafkajs with it.
    const second = fake.deliver(0, 2, 2);
    expect(await state(second)).toBe('pending');
    expect(seen).toHaveLength(1);
    seen[0]!.release();
    expect(await state(second)).toBe('returned');
    expect(seen.map((b) => b.messages[0]!.offset)).toEqual(['0', '2']);
  });

  it('one batch in the pipeline at a time, in the order fetched', async () => {
    const { fake, seen } = started(2);
    await settle();
    void fake.deliver(0, 0, 1);
    void fake.deliver(1, 0, 1);
    void fake.deliver(0, 1, 1);
    await settle();
    expect(seen).toHaveLength(1);
    seen[0]!.release();
    seen[0]!.release(); // twice is harmless
    await settle();
    expect(seen).toHaveLength(2);
    seen[1]!.release();
    await settle();
    expect(seen.map((b) => `${b.partition}:${b.messages[0]!.offset}`)).toEqual(['0:0', '1:0', '0:1']);
  });

  it('a seek drops the waiting batches of that partition and makes the one in hand stale', async () => {
    const { fake, source, seen } = started(2);
    await settle();
    void fake.deliver(0, 0, 1);
    void fake.deliver(0, 1, 1);
    void fake.deliver(1, 0, 1);
    await settle();
    source.seek('t', 0, 0);
    expect(fake.seeks).toEqual([{ topic: 't', partition: 0, offset: '0' }]);
    expect(seen[0]!.isStale()).toBe(true);
    seen[0]!.release();
    await settle();
    // The partition-0 batch that waited is gone; partition 1's comes next, fresh.
    expect(seen.map((b) => `${b.partition}:${b.messages[0]!.offset}`)).toEqual(['0:0', '1:0']);
    expect(seen[1]!.isStale()).toBe(false);
  });

  it('stop pauses the consumer, drops what waits, and completes once the batch in hand is released', async () => {
    const { fake, source, seen, completed } = started(1);
    await settle();
    void fake.deliver(0, 0, 1);
    const waiting = fake.deliver(0, 1, 1);
    await settle();
    source.stop();
    expect(fake.paused()).toBe(true);
    expect(await state(waiting)).toBe('returned');
    expect(completed()).toBe(false);
    seen[0]!.release();
    expect(completed()).toBe(true);
    expect(seen).toHaveLength(1);
  });
});
