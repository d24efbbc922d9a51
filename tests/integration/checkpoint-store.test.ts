import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '@sonar/store';
import { sampleCheckpoint } from '../support/checkpoints.ts';
import { testContext, type TestContext } from '../support/context.ts';

const checkpoint = (version: number, thetaValue: number) => sampleCheckpoint(version, thetaValue);

describe('CheckpointStore against a real Redis', () => {
  let ctx: TestContext;
  let store: CheckpointStore;
  beforeAll(async () => {
    ctx = await testContext('store');
    store = new CheckpointStore(ctx.redis, ctx.model, ctx.redisPrefix, 5);
  });
  afterAll(() => ctx.cleanup());

  it('writes a checkpoint that reads back bit for bit', async () => {
    const epoch = await store.takeEpoch();
    const written = checkpoint(1, 0.1 + 0.2);
    expect(await store.commit(written, epoch)).toEqual({ accepted: true, version: 1 });
    const read = (await store.load())!;
    expect(new Uint8Array(read.state.theta.buffer)).toEqual(new Uint8Array(written.state.theta.buffer));
    expect(Object.is(read.state.theta[1], -0)).toBe(true);
    expect(read.state.m).toEqual(written.state.m);
    expect(read).toMatchObject({ version: 1, samples: 100, offsets: { '0': '100' }, epoch, hyperparameters: { optimizer: 'adam' } });
    // The contract's fields, readable by any Redis client.
    const hash = await ctx.redis.hgetall(store.keys.model);
    expect(JSON.parse(hash.theta!)).toHaveLength(61);
    expect(Object.keys(hash)).toEqual(expect.arrayContaining(['version', 'theta', 'cost', 'samples', 'offsets', 'updatedAt', 'hyperparameters']));
  });

  it('rejects a version that is not newer', async () => {
    const epoch = Number(await ctx.redis.get(store.keys.epoch));
    expect(await store.commit(checkpoint(1, 9), epoch)).toEqual({ accepted: false, reason: 'stale', storedVersion: 1 });
    expect((await store.load())!.state.theta[0]).toBe(0.1 + 0.2);
  });

  it('fences a writer whose epoch is no longer current', async () => {
    const old = Number(await ctx.redis.get(store.keys.epoch));
    const current = await store.takeEpoch();
    expect(await store.commit(checkpoint(2, 7), old)).toEqual({ accepted: false, reason: 'fenced', currentEpoch: current });
    expect(await store.commit(checkpoint(2, 0.2), current)).toEqual({ accepted: true, version: 2 });
  });

  it('keeps the last N checkpoints in its history, newest first', async () => {
    const epoch = Number(await ctx.redis.get(store.keys.epoch));
    for (let v = 3; v <= 8; v++) await store.commit(checkpoint(v, v / 10), epoch);
    expect((await store.history()).map((c) => c.version)).toEqual([8, 7, 6, 5, 4]);
  });

  it('rolls back by writing the old theta as a newer version, keeping the current offsets', async () => {
    const rolled = await store.rollback(5, 1_795_000_009_999);
    const latest = (await store.load())!;
    expect(latest).toMatchObject({ version: 9, rolledBackFrom: 5, samples: 500, offsets: { '0': '800' } });
    expect(latest.state.theta[0]).toBe(0.5);
    expect(rolled.version).toBe(9);
    await expect(store.rollback(1)).rejects.toThrow(/not in its history/);
  });

  it('lets a writer re-establish a checkpoint after Redis lost everything', async () => {
    await ctx.redis.del(store.keys.model, store.keys.epoch);
    expect(await store.commit(checkpoint(10, 1), 42)).toEqual({ accepted: true, version: 10, reestablished: { from: undefined } });
    expect(await ctx.redis.get(store.keys.epoch)).toBe('42');
  });

  it('a stored epoch behind the writer\'s (Redis lost its last INCR) does not fence it: the writer re-establishes its epoch', async () => {
    await ctx.redis.decr(store.keys.epoch);
    expect(await store.commit(checkpoint(11, 1), 42)).toEqual({ accepted: true, version: 11, reestablished: { from: 41 } });
    expect(await ctx.redis.get(store.keys.epoch)).toBe('42');
    expect(await store.commit(checkpoint(12, 1), 42)).toEqual({ accepted: true, version: 12 });
    // A newer epoch still fences.
    await ctx.redis.set(store.keys.epoch, '43');
    expect(await store.commit(checkpoint(13, 1), 42)).toEqual({ accepted: false, reason: 'fenced', currentEpoch: 43 });
  });

  it('a new epoch is newer than the one the stored checkpoint was written under, even after the counter went back', async () => {
    await ctx.redis.set(store.keys.epoch, '42');
    expect(await store.commit(checkpoint(14, 1), 42)).toMatchObject({ accepted: true });
    await ctx.redis.set(store.keys.epoch, '3');
    expect(await store.takeEpoch()).toBe(43);
    await ctx.redis.del(store.keys.epoch);
    expect(await store.takeEpoch()).toBe(43);
  });
  it('announces each accepted version on the update channel with the write, and nothing for a refused one', async () => {
    const heard = await listen(store.keys.updated);
    const epoch = Number(await ctx.redis.get(store.keys.epoch));
    await store.commit(checkpoint(15, 1), epoch);
    await store.commit(checkpoint(15, 2), epoch);
    await store.commit(checkpoint(16, 1), epoch - 1);
    // Replicas to wait for: the announcement follows WAIT (none answers here; the write stands).
    const waiting = new CheckpointStore(ctx.redis, ctx.model, ctx.redisPrefix, 5, { replicas: 1, timeoutMs: 50 });
    expect(await waiting.commit(checkpoint(16, 1), epoch)).toMatchObject({ accepted: true, unreplicated: { acknowledged: 0, wanted: 1 } });
    await store.commit(checkpoint(17, 1), epoch);
    expect(await heard.until(3)).toEqual(['15', '16', '17']);
  });

  async function listen(channel: string) {
    const subscriber = ctx.redis.duplicate();
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, version: string) => messages.push(version));
    await subscriber.subscribe(channel);
    return {
      until: async (count: number) => {
        for (let waited = 0; messages.length < count && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
        subscriber.disconnect();
        return messages;
      },
    };
  }
});
