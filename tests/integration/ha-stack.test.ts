import { THETA_LENGTH, topicsEnv, topicsFrom } from '@sonar/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { createConsumer, createKafka, createProducer, ensureTopics } from '@sonar/kafka';
import { initialState } from '@sonar/model';
import { createLogger, redisConnection, redisReplication } from '@sonar/runtime';
import { HA_MIN_INSYNC_REPLICAS, HA_REPLICATION, type HaStack, sonarHome, stackConfig, startService, throwawayHaStack } from '@sonar/stack';
import { CheckpointStore, connectRedis, type Checkpoint } from '@sonar/store';
import { loadTrainerConfig } from '@sonar/trainer';
import { sonarLines } from '@sonar/dataset';
import { eventually, freePort, readTopic, type ServiceProcess } from '@sonar/testkit';
import { inSync, kill9, partitions, produceToEach, redisPrimaryNode } from '../support/ha.ts';

// `sonar stack up --ha` through the same code, on free ports and a home of its own: three KRaft
// nodes (brokers and controllers in one quorum), a Redis primary, its replica and three Sentinels.
// Each test kills what it needs and brings the stack back whole before the next.

const logger = createLogger('ha-test', 'silent');
const ALL = [1, 2, 3];

let stack: HaStack;
let stopStack: (() => Promise<void>) | undefined;
let kafka: Kafka;
let admin: Admin;
const id = randomBytes(4).toString('hex');
const topic = (name: string) => `ha.${id}.${name}`;
const say = (message: string) => process.stderr.write(`ha-stack: ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

beforeAll(async () => {
  const started = await throwawayHaStack();
  ({ stack, stop: stopStack } = started);
  say(`up in ${seconds(started.upMs)} from nothing (formatting three nodes' storage)`);
  kafka = createKafka({ brokers: stack.brokers, ssl: false }, `ha-test-${id}`, logger);
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await stopStack?.();
});

/** Restarts whatever is down and waits until the whole stack is ready again. */
async function whole(): Promise<number> {
  const started = Date.now();
  await stack.up(() => undefined);
  return Date.now() - started;
}

describe('the HA stack: three KRaft brokers, Redis with a replica and Sentinels', () => {
  it('creates topics with three replicas and two in sync for acks=all: its own, a client\'s, the internal ones', async () => {
    const readings = stackConfig().ha.topics.readings;
    await ensureTopics(admin, [{ topic: topic('defaults'), partitions: 3, replication: -1 }]);
    for (const name of [readings, topic('defaults'), '__consumer_offsets']) {
      const described = await partitions(admin, name);
      expect(described.length, name).toBeGreaterThan(0);
      for (const p of described) {
        expect(p.replicas.length, `${name} ${p.partition}`).toBe(HA_REPLICATION);
        expect([...p.replicas].sort(), `${name} ${p.partition}`).toEqual(ALL);
        expect([...p.isr].sort(), `${name} ${p.partition}`).toEqual(ALL);
      }
    }
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [readings, topic('defaults')].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
    });
    // The stack sets it on its topics; a client's topic gets the brokers' default, the same.
    expect(resources.map((r) => r.configEntries.map((e) => [r.resourceName, e.configName, e.configValue]))).toEqual([
      [[readings, 'min.insync.replicas', String(HA_MIN_INSYNC_REPLICAS)]],
      [[topic('defaults'), 'min.insync.replicas', String(HA_MIN_INSYNC_REPLICAS)]],
    ]);
  });

  it('acks=all: accepted with one broker down (SIGKILL), refused with NOT_ENOUGH_REPLICAS with two down', async () => {
    const name = topic('acks');
    await ensureTopics(admin, [{ topic: name, partitions: 3, replication: HA_REPLICATION }]);
    expect(await produceToEach(kafka, name, 3)).toEqual(['ok', 'ok', 'ok']);
    const [, node2, node3] = stack.kafkaNodes();

    const killed = Date.now();
    await kill9(node3!.pid, 'broker 3');
    // Fenced after broker.session.timeout.ms: its leaderships move and it leaves the ISRs.
    await inSync(admin, name, [1, 2]);
    say(`broker 3 killed: out of every ISR after ${seconds(Date.now() - killed)}`);
    expect(await produceToEach(kafka, name, 3)).toEqual(['ok', 'ok', 'ok']);

    // The second one stops cleanly: with two of three combined nodes crashed, the last voter
    // alone is no quorum, nobody shrinks the ISR, and acks=all times out instead of being refused.
    await node2!.down(() => undefined);
    await inSync(admin, name, [1]);
    expect(await produceToEach(kafka, name, 3)).toEqual(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS']);

    say(`brokers 2 and 3 restarted, stack whole again in ${seconds(await whole())}`);
    await inSync(admin, name, ALL);
    expect(await produceToEach(kafka, name, 3)).toEqual(['ok', 'ok', 'ok']);
  });

  it('a consumer group keeps consuming when the partition leader (the group coordinator too) is killed with SIGKILL and restarted', async () => {
    // One offsets partition: its leader coordinates every group. The topic's first replica, its
    // leader, is that broker too: the harder case for a client, which loses both at once.
    const name = topic('leader');
    const [{ leader: coordinator } = { leader: -1 }] = await partitions(admin, '__consumer_offsets');
    await admin.createTopics({ topics: [{ topic: name, replicaAssignment: [{ partition: 0, replicas: [coordinator, ...ALL.filter((b) => b !== coordinator)] }] }] });
    await inSync(admin, name, ALL);
    const [{ leader } = { leader: -1 }] = await partitions(admin, name);
    expect(leader).toBe(coordinator);
    const producer = createProducer(kafka);
    const consumer = createConsumer(kafka, { groupId: `ha-${id}`, sessionTimeout: 6000, heartbeatInterval: 500 });
    const received = new Map<number, number>();
    const acked: number[] = [];
    let producing = true;
    // What kafkajs does meanwhile, for the record.
    let killed = 0;
    const since = () => seconds(Date.now() - killed);
    const group: string[] = [];
    consumer.on(consumer.events.CRASH, ({ payload }) => void group.push(`crashed at ${since()} (${payload.error.message}; restart: ${payload.restart})`));
    consumer.on(consumer.events.GROUP_JOIN, () => void (killed && group.push(`rejoined at ${since()}`)));
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: name, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.set(Number(message.value), Date.now()) });
      const sending = (async () => {
        for (let seq = 0; producing; seq++) {
          await producer.send({ topic: name, acks: -1, messages: [{ value: String(seq) }] });
          acked.push(seq);
          await sleep(20);
        }
      })();
      await eventually(() => received.size >= 50, 30_000, 'the first 50 records consumed');

      const node = stack.kafkaNodes()[leader - 1]!;
      const lastBefore = acked.at(-1)!;
      killed = Date.now();
      await kill9(node.pid, `broker ${leader}, the leader`);
      await eventually(() => acked.at(-1)! > lastBefore + 1, 60_000, 'an acknowledged record after the kill');
      const producedAgain = Date.now() - killed;
      await eventually(() => [...received.keys()].some((seq) => seq > lastBefore + 1), 60_000, 'a record produced after the kill, consumed');
      const consumedAgain = Math.max(...[...received].filter(([seq]) => seq > lastBefore + 1).map(([, at]) => at)) - killed;
      const [after] = await partitions(admin, name);
      say(`leader ${leader}, the group coordinator too, killed: producing again after ${seconds(producedAgain)}, consuming again after ${seconds(consumedAgain)}; new leader ${after?.leader}`);
      expect(after?.leader).not.toBe(leader);

      const restarted = Date.now();
      await node.up(() => undefined);
      await inSync(admin, name, ALL);
      say(`broker ${leader} restarted and back in the ISR after ${seconds(Date.now() - restarted)}`);
      const lastAfterRestart = acked.at(-1)!;
      await eventually(() => acked.at(-1)! > lastAfterRestart + 20, 30_000, 'more records acknowledged after the restart');
      producing = false;
      await sending;
      // Every acknowledged record reaches the group (at least once), none lost to the failover.
      await eventually(() => acked.every((seq) => received.has(seq)), 30_000, 'every acknowledged record consumed');
      say(`the consumer after the kill: ${group.join(', ') || 'no crash, no rejoin'}`);
    } finally {
      producing = false;
      await consumer.disconnect();
      await producer.disconnect();
    }
    await whole();
  });

  it('Redis: the client connect.ts builds follows a Sentinel failover; WAIT counts the replica, and its absence is reported', async () => {
    // Connected exactly as the trainer is with the settings `sonar stack env --ha --service trainer` prints.
    const config = loadTrainerConfig(await stack.serviceEnv('trainer'));
    const redis = connectRedis(redisConnection(config), logger, 'ha-test');
    const store = new CheckpointStore(redis, `m-${id}`, `test:${id}`, 100, redisReplication(config));
    try {
      const epoch = await store.takeEpoch();
      expect(await store.commit(checkpoint(1), epoch)).toEqual({ accepted: true, version: 1 });
      expect(await redis.wait(1, 1000)).toBe(1);

      const { address: primary, node } = await redisPrimaryNode(stack);
      const killed = Date.now();
      await kill9(node.pid, `the primary ${primary}`);
      await eventually(() => redis.set(`test:${id}:probe`, 'written').then((reply) => reply === 'OK', () => false), 30_000, 'a write through the same client');
      const writable = Date.now() - killed;
      const promoted = (await stack.primary())!;
      say(`primary ${primary} killed: ${promoted} promoted, accepting writes through the same client after ${seconds(writable)}`);
      expect(promoted).not.toBe(primary);
      expect(writable).toBeLessThan(15_000);

      // The checkpoint the replica had acknowledged survived; with no replica left, the next is reported.
      expect(await store.version()).toBe(1);
      expect(await store.commit(checkpoint(2), epoch)).toEqual({ accepted: true, version: 2, unreplicated: { acknowledged: 0, wanted: 1 } });
      const direct = new Redis(`redis://${promoted}`, { maxRetriesPerRequest: 1 });
      expect(await direct.hget(store.keys.model, 'version')).toBe('2');
      direct.disconnect();

      // The old primary comes back as the new one's replica.
      say(`old primary restarted, a replica again, in ${seconds(await whole())}`);
      expect(await store.commit(checkpoint(3), epoch)).toEqual({ accepted: true, version: 3 });
      expect(await redis.wait(1, 1000)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('runs ingest, trainer and scorer with the settings `sonar stack env --ha` prints, through a Redis failover', async () => {
    const topics = topicsFrom({ TOPIC_READINGS: topic('readings'), TOPIC_CLASSIFIED: topic('classified'), TOPIC_DLQ: topic('dlq'), TOPIC_MODELS: topic('models'), TOPIC_GRADIENTS: topic('gradients') });
    const model = `m-${id}-services`;
    const deployment = { SONAR_MODEL: model, REDIS_PREFIX: `test:${id}`, ...topicsEnv(topics), LOG_LEVEL: 'warn' };
    const ports = { ingest: await freePort(), trainer: await freePort(), scorer: await freePort() };
    const services: ServiceProcess[] = [];
    const start = async (service: 'ingest' | 'trainer' | 'scorer', extra: Record<string, string>) =>
      services.push(startService(service, { ...deployment, ...(await stack.serviceEnv(service)), ...extra }, join(sonarHome(), 'runs', `ha-${id}`, `${service}.log`), `ha-${service}`));
    const reader = connectRedis(redisConnection(loadTrainerConfig(await stack.serviceEnv('trainer'))), logger, 'ha-test-reader');
    const samples = async () => (await new CheckpointStore(reader, model, `test:${id}`).load())?.samples ?? 0;
    try {
      await start('ingest', { INGEST_PORT: String(ports.ingest) });
      await start('trainer', { TRAINER_PORT: String(ports.trainer), TRAIN_CHECKPOINT_EVERY: '1', TRAIN_CHECKPOINT_INTERVAL_MS: '200' });
      await start('scorer', { SCORER_PORT: String(ports.scorer), SCORER_POLL_MS: '500' });
      const ingest = `http://127.0.0.1:${ports.ingest}`;
      await eventually(async () => (await fetch(`${ingest}/readyz`).catch(() => undefined))?.ok, 60_000, 'ingest to be ready');
      const lines = sonarLines();
      const post = async () => expect((await fetch(`${ingest}/readings`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: lines.join('\n') })).status).toBe(202);
      await post();
      await eventually(async () => (await samples()) >= 192, 90_000, 'six batches trained');

      const { address: primary, node } = await redisPrimaryNode(stack);
      await kill9(node.pid, `the primary ${primary}`);
      await post();
      // 416 labeled readings, 13 full batches: each applied once, across the failover.
      await eventually(async () => (await samples()) >= 416, 90_000, 'the second copy trained, after the failover');
      expect(await samples()).toBe(416);
      const events = await readTopic(kafka, topics.classified, { count: 2 * lines.length, timeoutMs: 60_000 });
      expect(events.length).toBeGreaterThanOrEqual(2 * lines.length);
      // With the replica gone, the trainer says its checkpoints are not safe from another failover.
      const trainerLog = readFileSync(services[1]!.logFile, 'utf8');
      expect(trainerLog).toContain('not acknowledged by the replicas asked for in time');
    } finally {
      reader.disconnect();
      const codes = await Promise.all(services.map((service) => service.stop()));
      expect(codes).toEqual([0, 0, 0]);
    }
    await whole();
  });
});

function checkpoint(version: number): Checkpoint {
  return {
    model: `m-${id}`,
    version,
    state: initialState({ optimizer: 'sgd', alpha: 0.1 }, THETA_LENGTH),
    cost: 0.5,
    accuracy: 0.8,
    samples: version,
    batches: version,
    topic: topic('readings'),
    offsets: {},
    updatedAt: Date.now(),
    hyperparameters: {},
  };
}
