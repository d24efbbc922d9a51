import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@sonar/runtime';
import { throwawayRedisCluster, type ThrowawayRedisCluster } from '@sonar/stack';
import type { Redis } from 'ioredis';
import { CheckpointStore, closeRedis, connectionOf, connectRedis, firstContact, type CommitResult, type RedisClient } from '@sonar/store';
import { eventually, fullBatches, plannedTrainable, produceReadings } from '@sonar/testkit';
import { sampleCheckpoint } from '../support/checkpoints.ts';
import { testScope } from '../support/scope.ts';

// A real Redis Cluster of three masters, a replica each (redis-server and redis-cli --cluster create), on
// free ports beside the suite's Redis. A model named with a hash tag keeps all its keys in
// one slot, so the store's scripts run there as on one server.

const logger = createLogger('redis-cluster-test', 'silent');
const scope = testScope();
let cluster: ThrowawayRedisCluster;
let redis: RedisClient;

const connection = () => ({ url: 'redis://127.0.0.1', clusterNodes: cluster.nodes.map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })) });

const checkpoint = (model: string, version: number, thetaValue: number) => sampleCheckpoint(version, thetaValue, model);

beforeAll(async () => {
  cluster = await throwawayRedisCluster(3, 1);
  redis = connectRedis(connection(), logger, 'cluster-test');
  await firstContact(redis);
});

afterAll(async () => {
  await closeRedis(redis);
  await cluster?.stop();
});

describe('CheckpointStore on a Redis Cluster', () => {
  it('saves, fences, keeps history, rolls back and announces updates for a hash-tagged model', async () => {
    const ctx = await scope.context('cluster-store', 0);
    const model = `{${ctx.model}}`;
    const store = new CheckpointStore(redis, model, ctx.redisPrefix, 5);
    scope.defer(() => store.destroy());
    const slots = await Promise.all([store.keys.model, store.keys.history, store.keys.epoch].map((key) => redis.call('CLUSTER', 'KEYSLOT', key)));
    expect(new Set(slots).size).toBe(1);

    const subscriber = connectRedis(connection(), logger, 'cluster-test-updates', 0);
    scope.defer(() => closeRedis(subscriber));
    const announced: string[] = [];
    subscriber.on('message', (_channel: string, version: string) => announced.push(version));
    await subscriber.subscribe(store.keys.updated);

    const epoch = await store.takeEpoch();
    expect(await store.commit(checkpoint(model, 1, 0.1 + 0.2), epoch)).toEqual({ accepted: true, version: 1 });
    expect((await store.load())!.state.theta[0]).toBe(0.1 + 0.2);
    expect(await store.commit(checkpoint(model, 1, 9), epoch)).toEqual({ accepted: false, reason: 'stale', storedVersion: 1 });
    const current = await store.takeEpoch();
    expect(await store.commit(checkpoint(model, 2, 0.2), epoch)).toEqual({ accepted: false, reason: 'fenced', currentEpoch: current });
    for (let v = 2; v <= 7; v++) expect(await store.commit(checkpoint(model, v, v / 10), current)).toMatchObject({ accepted: true });
    expect((await store.history()).map((c) => c.version)).toEqual([7, 6, 5, 4, 3]);

    const rolled = await store.rollback(4);
    expect(rolled).toMatchObject({ version: 8, rolledBackFrom: 4, offsets: { '0': '700' } });
    expect((await store.load())!.state.theta[0]).toBe(0.4);
    // A publish on any node reaches a subscriber on any other (pub/sub is cluster-wide).
    await store.publish(9);
    await eventually(() => announced.includes('8') && announced.includes('9'), 5000, 'the updates announced through the cluster');
  });

  it('without a hash tag the same write is refused (CROSSSLOT): what the startup check prevents', async () => {
    const ctx = await scope.context('cluster-crossslot', 0);
    const store = new CheckpointStore(redis, ctx.model, ctx.redisPrefix);
    await expect(store.commit(checkpoint(ctx.model, 1, 0.5), 1)).rejects.toThrow(/CROSSSLOT/);
  });
});

/** How many WAITs this node has run. */
async function waitCalls(node: Redis): Promise<number> {
  const stats = await node.info('commandstats');
  return Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('REDIS_WAIT_REPLICAS on a Redis Cluster', () => {
  it('waits for the replica of the master that owns the model\'s slot, on the connection that wrote', async () => {
    const ctx = await scope.context('cluster-wait', 0);
    const model = `{${ctx.model}}`;
    const replicated = new CheckpointStore(redis, model, ctx.redisPrefix, 5, { replicas: 1, timeoutMs: 1000 });
    const tooMany = new CheckpointStore(redis, model, ctx.redisPrefix, 5, { replicas: 2, timeoutMs: 300 });
    scope.defer(() => replicated.destroy());
    const epoch = await replicated.takeEpoch();
    const owner = connectionOf(redis, replicated.keys.model)!;
    const waitsBefore = await waitCalls(owner);
    let version = 0;
    // Until the replica has synced with its master, WAIT may time out.
    await eventually(async () => {
      const result = await replicated.commit(checkpoint(model, ++version, 0.5), epoch);
      return result.accepted && !result.unreplicated;
    }, 20_000, 'a checkpoint its replica acknowledged');
    // Asking for more replicas than there are: accepted, and reported as short of them. On a
    // loaded machine the one replica may miss a 300 ms WAIT too: it must answer one of them.
    let short: CommitResult | undefined;
    await eventually(async () => {
      short = await tooMany.commit(checkpoint(model, ++version, 0.5), epoch);
      return !short.accepted || short.unreplicated?.acknowledged !== 0;
    }, 20_000, 'a WAIT for two replicas that the one replica answered');
    expect(short).toMatchObject({ accepted: true, unreplicated: { acknowledged: 1, wanted: 2 } });
    expect((await waitCalls(owner)) - waitsBefore).toBe(version);
  });
});

describe('the trainer on a Redis Cluster', () => {
  it('checkpoints a hash-tagged model to the cluster while reading Kafka', async () => {
    const ctx = await scope.context('cluster-trainer', 1);
    const model = `{${ctx.model}}`;
    const store = new CheckpointStore(redis, model, ctx.redisPrefix);
    scope.defer(() => store.destroy());
    const readings = { synthetic: 2000, seed: 3 };
    await produceReadings(ctx.kafka, ctx.topics.readings, readings);
    const expected = fullBatches(plannedTrainable(readings), 32);
    const onCluster = { REDIS_CLUSTER_NODES: cluster.nodes.join(','), REDIS_URL: 'redis://127.0.0.1' };
    await ctx.serviceOnFreePort('trainer', { ...onCluster, TRAIN_BATCH_SIZE: 32, REDIS_WAIT_REPLICAS: 1, TRAIN_CHECKPOINT_EVERY: 1, TRAIN_CHECKPOINT_INTERVAL_MS: 200 }, 'trainer', { model });
    const trained = await eventually(async () => {
      const latest = await store.load();
      return latest && latest.samples >= expected ? latest : undefined;
    }, 90_000, `${expected} samples trained by ${model} on the cluster`);
    expect(trained).toMatchObject({ model, samples: expected });
    expect(trained.epoch).toBe(await store.currentEpoch());
  });

  it('refuses at start, saying what to set, a model whose keys would span slots', async () => {
    const ctx = await scope.context('cluster-untagged', 0);
    const { proc } = await ctx.serviceOnFreePort('trainer', { REDIS_CLUSTER_NODES: cluster.nodes.join(',') });
    expect(await proc.exited).not.toBe(0);
    await eventually(() => readFileSync(proc.logFile, 'utf8').includes('SONAR_MODEL'), 5000, 'the configuration error in the log');
    expect(readFileSync(proc.logFile, 'utf8')).toContain(`name the model with a hash tag, SONAR_MODEL={${ctx.model}}`);
  });
});
