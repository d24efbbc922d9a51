import { describe, expect, it } from 'vitest';
import type { Reading } from '@sonar/contracts';
import { RetryLedger } from './retry-ledger.ts';

const reading = (id: string | undefined): Reading => ({ id, features: new Float64Array(60), label: 'R', holdout: false, ts: undefined });
const readings = (...ids: (string | undefined)[]) => ids.map(reading);

/** A send to Kafka the test settles by hand, recording what was sent. */
function kafka() {
  const sends: { ids: (string | undefined)[]; ack: () => void; fail: (error: Error) => void }[] = [];
  const send = (fresh: Reading[]) =>
    new Promise<void>((resolve, reject) => {
      sends.push({ ids: fresh.map((r) => r.id), ack: resolve, fail: reject });
    });
  return { sends, send };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('RetryLedger', () => {
  it('does not send a reading again while its first write is on its way: the retry waits for that write', async () => {
    const ledger = new RetryLedger(100);
    const { sends, send } = kafka();
    const first = ledger.publish(readings('a', 'b'), send);
    const retry = ledger.publish(readings('b', 'c'), send);
    expect(sends.map((s) => s.ids)).toEqual([['a', 'b'], ['c']]);
    expect(retry.repeated).toBe(1);
    sends[1]!.ack();
    expect(await settled(retry.written), 'c is written, b is not yet').toBe(false);
    sends[0]!.ack();
    await first.written;
    await retry.written;
    expect(ledger.inFlightCount).toBe(0);
  });

  it('answers a retry of readings already written without sending them again', async () => {
    const ledger = new RetryLedger(100);
    const { sends, send } = kafka();
    const first = ledger.publish(readings('a', 'b'), send);
    sends[0]!.ack();
    await first.written;
    expect(ledger.writtenCount).toBe(2);
    expect(ledger.countNew(readings('a', 'b', 'c'))).toBe(1);
    const retry = ledger.publish(readings('b', 'a'), send);
    expect(retry.repeated).toBe(2);
    expect(await settled(retry.written)).toBe(true);
    expect(sends).toHaveLength(1);
  });

  it('forgets a failed write: a retry sends its readings again', async () => {
    const ledger = new RetryLedger(100);
    const { sends, send } = kafka();
    const first = ledger.publish(readings('a'), send);
    const waiting = ledger.publish(readings('a'), send);
    sends[0]!.fail(new Error('refused'));
    await expect(first.written).rejects.toThrow('refused');
    await expect(waiting.written).rejects.toThrow('refused');
    ledger.publish(readings('a'), send);
    expect(sends.map((s) => s.ids)).toEqual([['a'], ['a']]);
    expect(ledger.writtenCount).toBe(0);
  });

  it('remembers the last `capacity` ids written, forgetting the oldest first', async () => {
    const ledger = new RetryLedger(2);
    const { sends, send } = kafka();
    for (const id of ['a', 'b', 'c']) {
      const write = ledger.publish(readings(id), send);
      sends.at(-1)!.ack();
      await write.written;
    }
    expect(ledger.writtenCount).toBe(2);
    expect(ledger.countNew(readings('a'))).toBe(1);
    expect(ledger.countNew(readings('b', 'c'))).toBe(0);
  });

  it('always sends readings without an id, and a reading repeated within one request once', () => {
    const ledger = new RetryLedger(100);
    const { sends, send } = kafka();
    const write = ledger.publish(readings(undefined, 'a', 'a', undefined), send);
    expect(sends.map((s) => s.ids)).toEqual([[undefined, 'a', undefined]]);
    expect(write.repeated).toBe(1);
    ledger.publish(readings(undefined), send);
    expect(sends).toHaveLength(2);
  });
});
