import { afterEach, describe, expect, inject, it } from 'vitest';
import { createLogger } from '@sonar/runtime';
import { closeRedis, connectRedis, type RedisClient } from '@sonar/store';
import { eventually } from '@sonar/testkit';
import type { Redis } from 'ioredis';

const logger = createLogger('redis-reconnect-test', 'error');
let clients: RedisClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((client) => closeRedis(client)));
  clients = [];
});

function client(): Redis {
  const redis = connectRedis({ url: inject('redisUrl') }, logger, 'reconnect-test') as Redis;
  clients.push(redis);
  return redis;
}

/** What a Sentinel's +switch-master or a READONLY reply makes ioredis do: disconnect(true), here while it is connecting again. */
async function reconnectWhileConnecting(redis: Redis): Promise<void> {
  await eventually(() => redis.status === 'ready', 10_000, 'the client to be ready');
  redis.once('connecting', () => redis.disconnect(true));
  redis.disconnect(true);
}

describe('a Redis client', () => {
  it('connects again after ioredis aborted its reconnection into an end state', async () => {
    const redis = client();
    await reconnectWhileConnecting(redis);
    // Left to ioredis, the client stays ended: every command fails with "Connection is closed."
    await eventually(async () => (await redis.ping().catch(() => 'failed')) === 'PONG', 10_000, 'PONG after the aborted reconnection');
    expect(redis.status).toBe('ready');
  });

  it('stays closed after closeRedis and after a disconnect() of its owner', async () => {
    const closed = client();
    const disconnected = client();
    await eventually(() => closed.status === 'ready' && disconnected.status === 'ready', 10_000, 'both clients to be ready');
    await closeRedis(closed);
    disconnected.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect([closed.status, disconnected.status]).toEqual(['end', 'end']);
  });
});
