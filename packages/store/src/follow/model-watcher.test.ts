import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { createLogger } from '@sonar/runtime';
import type { CheckpointStore } from '../checkpoint-store.ts';
import { ModelHolder } from './model-holder.ts';
import { ModelWatcher } from './model-watcher.ts';

const model = { version: 3, theta: new Float64Array(61), updatedAt: 1 };
const store = { model: 'm', keys: { updated: 'sonar:model:m:updated' }, version: async () => 3, serving: async () => ({ ok: true, value: model }) } as unknown as CheckpointStore;

describe('ModelWatcher', () => {
  afterEach(() => vi.useRealTimers());

  it('starts while Redis refuses the subscription, and loads the model once it answers', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const subscriber = {
      on: () => undefined,
      subscribe: async () => {
        attempts += 1;
        if (attempts < 3) throw new Error('Reached the max retries per request limit');
      },
    } as unknown as Redis;
    const holder = new ModelHolder(() => undefined);
    const watcher = new ModelWatcher(store, subscriber, holder, createLogger('scorer', 'silent'), 60_000);
    const started = watcher.start(new AbortController().signal);
    await vi.advanceTimersByTimeAsync(2500);
    await started;
    expect(attempts).toBe(3);
    expect(holder.current?.version).toBe(3);
    await watcher.stop();
  });

  it('gives up waiting for Redis when the scorer is stopped', async () => {
    vi.useFakeTimers();
    const subscriber = { on: () => undefined, subscribe: async () => Promise.reject(new Error('refused')) } as unknown as Redis;
    const stopping = new AbortController();
    const watcher = new ModelWatcher(store, subscriber, new ModelHolder(() => undefined), createLogger('scorer', 'silent'), 60_000);
    const started = watcher.start(stopping.signal);
    await vi.advanceTimersByTimeAsync(1500);
    stopping.abort();
    await vi.advanceTimersByTimeAsync(1000);
    await expect(started).resolves.toBeUndefined();
    await watcher.stop();
  });

  it('refuses a corrupt version once, by the version read with its theta, though it was written between two reads', async () => {
    vi.useFakeTimers();
    const good = { version: 111, theta: new Float64Array(61), updatedAt: 1 };
    // The version is read first (112, a good one the trainer just wrote); a corrupt 212 is written before the theta is read.
    const versions = [112, 212, 212, 212];
    const racing = {
      model: 'm',
      keys: { updated: 'sonar:model:m:updated' },
      version: async () => versions.shift() ?? 212,
      serving: async () => ({ ok: false, corrupt: { version: 212, reason: 'non_finite_theta', message: 'a NaN' } }),
    } as unknown as CheckpointStore;
    const holder = new ModelHolder(() => undefined);
    holder.offer(good);
    const reasons: string[] = [];
    const subscriber = { on: () => undefined, subscribe: async () => undefined } as unknown as Redis;
    const watcher = new ModelWatcher(racing, subscriber, holder, createLogger('scorer', 'silent'), 100, (reason) => reasons.push(reason));
    await watcher.start(new AbortController().signal);
    await vi.advanceTimersByTimeAsync(350);
    await watcher.stop();
    expect(reasons).toEqual(['non_finite_theta']);
    expect(holder.current?.version).toBe(111);
  });
});
