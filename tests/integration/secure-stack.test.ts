import { THETA_LENGTH } from '@sonar/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { sonarLines } from '@sonar/dataset';
import { createProducer } from '@sonar/kafka';
import { initialState } from '@sonar/model';
import { freePort, grantRedisPrefix, grantServiceAcls, SecureStack, stackConfig, type SecureService } from '@sonar/stack';
import { CheckpointStore, type Checkpoint } from '@sonar/store';
import { testContext, type TestContext } from '../support/context.ts';
import { consumeFirst, failureOf, probingKafka, redisRefusal } from '../support/secure-clients.ts';
import { eventually, readTopic, trained, type ServiceProcess } from '@sonar/testkit';

// `sonar stack up --secure` through the same code, on its own ports and home: every principal
// connects with SCRAM-SHA-512 over TLS, may do what its service needs and is refused the rest.

const SASL_REFUSED = 'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512';

let home: string;
let stack: SecureStack;
let ctx: TestContext;
let gradients: string;

/** A client of one principal. */
const as = (principal: SecureService) => probingKafka(stack.kafkaClient(principal));

function redisAs(user: 'admin' | 'trainer' | 'scorer'): Redis {
  const redis = new Redis(stack.redisUrl(user), { ...stack.redisOptions(), maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  return redis;
}

/** One record, by default with the services' producer: idempotent, needing no IDEMPOTENT_WRITE grant beyond the topic's WRITE. */
async function send(kafka: Kafka, topic: string, producer: Producer = createProducer(kafka)): Promise<void> {
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ value: `to ${topic}` }] });
  } finally {
    await producer.disconnect();
  }
}

beforeAll(async () => {
  const base = stackConfig();
  home = mkdtempSync(join(tmpdir(), 'sonar-secure-'));
  const [kafkaPort, kafkaControllerPort, redisPort] = [await freePort(), await freePort(), await freePort()];
  stack = new SecureStack({ ...base.secure, home, kafkaPort, kafkaControllerPort, redisPort, kafkaHeap: '-Xms256m -Xmx512m' });
  const started = Date.now();
  await stack.up(() => undefined);
  process.stderr.write(`secured stack up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  // The test's own topics and prefix, granted as the stack grants its own.
  const { brokers, ...kafkaSecurity } = stack.kafkaClient('admin');
  ctx = await testContext('secure', { brokers, kafkaSecurity, redisUrl: stack.redisUrl('admin'), redisOptions: stack.redisOptions() });
  gradients = `${ctx.topicPrefix}gradients`;
  await ctx.createTopics(1);
  await ctx.createTopic(gradients, 1);
  await ctx.createTopic(`${ctx.topicPrefix}private`, 1);
  await grantServiceAcls(ctx.admin, { topics: ctx.topics, gradients });
  await grantRedisPrefix(ctx.redis, ctx.redisPrefix);
});

afterAll(async () => {
  await ctx?.cleanup();
  await stack?.down(() => undefined);
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the secured stack: Kafka SASL_SSL + SCRAM-SHA-512 + ACLs, Redis TLS + ACL users', () => {
  it('each service principal authenticates over TLS and sees the topics it was granted, not others', async () => {
    const deployment = Object.values(ctx.topics);
    for (const service of ['ingest', 'trainer', 'scorer'] as const) {
      const admin = as(service).kafka.admin();
      await admin.connect();
      const visible = (await admin.listTopics()).filter((topic) => topic.startsWith(ctx.topicPrefix));
      await admin.disconnect();
      // The trainer's WRITE on gradients implies DESCRIBE; nobody sees the private topic.
      expect(visible.sort(), service).toEqual((service === 'trainer' ? [...deployment, gradients] : deployment).sort());
    }
  });

  it('refuses a wrong password, an unknown user, an untrusted certificate and a client without credentials', async () => {
    const { brokers, ssl } = stack.kafkaClient('admin');
    const wrong = await failureOf(probingKafka({ brokers, ssl, sasl: { mechanism: 'scram-sha-512', username: 'trainer', password: 'not-the-password' } }).kafka.admin().connect());
    expect(wrong).toMatchObject({ name: 'KafkaJSSASLAuthenticationError', message: SASL_REFUSED });
    const unknown = await failureOf(probingKafka({ brokers, ssl, sasl: { mechanism: 'scram-sha-512', username: 'mallory', password: 'x' } }).kafka.admin().connect());
    expect(unknown).toMatchObject({ name: 'KafkaJSSASLAuthenticationError', message: SASL_REFUSED });
    // ssl: true trusts only the system CAs; the broker sends its certificate without the CA.
    const untrusted = await failureOf(probingKafka({ brokers, ssl: true, sasl: stack.kafkaClient('admin').sasl }).kafka.admin().connect());
    expect(untrusted).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded', cause: { name: 'KafkaJSConnectionError', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    expect(untrusted.message).toBe('Connection error: unable to verify the first certificate');

    // TLS without SASL: the broker closes the connection at the first request past the handshake.
    const nobody = probingKafka({ brokers, ssl }).kafka;
    expect((await failureOf(send(nobody, ctx.topics.readings, nobody.producer()))).message).toMatch(/Closed connection/);
    expect((await failureOf(consumeFirst(nobody, `sonar-scorer-${ctx.model}`, ctx.topics.readings))).message).toMatch(/Closed connection/);
  });

  it('ingest may write the readings topic only', async () => {
    await send(as('ingest').kafka, ctx.topics.readings);
    // LITERAL grants: "...readings" is no prefix of anything else ingest may write.
    const dlq = await failureOf(send(as('ingest').kafka, ctx.topics.deadLetters));
    expect(dlq).toMatchObject({ name: 'KafkaJSProtocolError', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29 });
    const reader = as('ingest');
    const read = await failureOf(consumeFirst(reader.kafka, `sonar-trainer-${ctx.model}`, ctx.topics.readings));
    expect(read).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound', message: 'Failed to find group coordinator' });
    expect(reader.refusals).toContain('GROUP_AUTHORIZATION_FAILED');
  });

  it('the trainer reads readings in its group, writes models, dead letters and gradients, and uses its transactional ids', async () => {
    const trainer = as('trainer').kafka;
    expect((await consumeFirst(trainer, `sonar-trainer-${ctx.model}`, ctx.topics.readings)).length).toBe(1);
    for (const topic of [ctx.topics.models, ctx.topics.deadLetters, gradients]) await send(trainer, topic);
    const producer = createProducer(trainer, `sonar-trainer-${ctx.model}-0`);
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({ topic: ctx.topics.models, messages: [{ value: 'in a transaction' }] });
    await transaction.commit();
    await producer.disconnect();

    const classified = await failureOf(send(trainer, ctx.topics.classified));
    expect(classified).toMatchObject({ name: 'KafkaJSProtocolError', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29 });
    const other = as('trainer');
    expect(await failureOf(consumeFirst(other.kafka, `sonar-scorer-${ctx.model}`, ctx.topics.readings))).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound' });
    expect(other.refusals).toContain('GROUP_AUTHORIZATION_FAILED');
  });

  it('the scorer reads readings in its group and writes events and dead letters in transactions; never readings', async () => {
    const scorer = as('scorer').kafka;
    const [reading] = await consumeFirst(scorer, `sonar-scorer-${ctx.model}`, ctx.topics.readings);
    const producer = createProducer(scorer, `sonar-scorer-${ctx.model}-${ctx.topics.readings}-0`);
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({ topic: ctx.topics.classified, messages: [{ value: 'classified' }] });
    await transaction.send({ topic: ctx.topics.deadLetters, messages: [{ value: 'dead letter' }] });
    await transaction.sendOffsets({ consumerGroupId: `sonar-scorer-${ctx.model}`, topics: [{ topic: ctx.topics.readings, partitions: [{ partition: 0, offset: String(Number(reading!.offset) + 1) }] }] });
    await transaction.commit();
    const foreign = await producer.transaction();
    await foreign.send({ topic: ctx.topics.classified, messages: [{ value: 'never committed' }] });
    const offsets = await failureOf(foreign.sendOffsets({ consumerGroupId: `sonar-trainer-${ctx.model}`, topics: [{ topic: ctx.topics.readings, partitions: [{ partition: 0, offset: '1' }] }] }));
    expect(offsets).toMatchObject({ name: 'KafkaJSProtocolError', type: 'GROUP_AUTHORIZATION_FAILED', code: 30 });
    await foreign.abort();
    await producer.disconnect();

    const readings = await failureOf(send(scorer, ctx.topics.readings));
    expect(readings).toMatchObject({ name: 'KafkaJSProtocolError', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29 });
    const borrowed = as('scorer');
    const notItsId = createProducer(borrowed.kafka, `sonar-trainer-${ctx.model}-0`);
    expect(await failureOf(notItsId.connect().then(() => notItsId.transaction()))).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound' });
    expect(borrowed.refusals).toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
    await notItsId.disconnect();
  });

  it('Redis: the trainer checkpoints through its Lua script, the scorer reads and hears of it but may not write', async () => {
    const trainerRedis = redisAs('trainer');
    const scorerRedis = redisAs('scorer');
    const subscriber = redisAs('scorer');
    try {
      const trainerStore = new CheckpointStore(trainerRedis, ctx.model, ctx.redisPrefix);
      const scorerStore = new CheckpointStore(scorerRedis, ctx.model, ctx.redisPrefix);
      const heard = new Promise<string>((resolve) => subscriber.on('message', (_channel: string, version: string) => resolve(version)));
      await subscriber.subscribe(trainerStore.keys.updated);
      const epoch = await trainerStore.takeEpoch();
      expect(await trainerStore.commit(checkpoint(1), epoch)).toEqual({ accepted: true, version: 1 });
      await trainerStore.publish(1);
      expect(await heard).toBe('1');
      expect(await scorerStore.serving()).toMatchObject({ ok: true, value: { version: 1 } });

      await expect(scorerRedis.hset(scorerStore.keys.model, 'version', '99')).rejects.toThrow(/^NOPERM this user has no permissions to run the 'hset' command/);
      await expect(scorerStore.commit(checkpoint(2), epoch)).rejects.toThrow(/^NOPERM this user has no permissions to run the 'eval(sha)?' command/);
      await expect(trainerRedis.set('elsewhere', '1')).rejects.toThrow(/^NOPERM this user has no permissions to access one of the keys/);
      await expect(subscriber.subscribe('elsewhere')).rejects.toThrow(/^NOPERM this user has no permissions to access one of the channels/);
      expect((await trainerStore.load())?.version).toBe(1);
    } finally {
      for (const client of [trainerRedis, scorerRedis, subscriber]) client.disconnect();
    }

    const checkpointKey = new CheckpointStore(ctx.redis, ctx.model, ctx.redisPrefix).keys.model;
    const url = new URL(stack.redisUrl('trainer'));
    url.password = 'not-the-password';
    expect(await redisRefusal(url.toString(), stack.redisOptions(), checkpointKey)).toMatchObject({ message: 'WRONGPASS invalid username-password pair or user is disabled.' });
    url.username = '';
    url.password = '';
    expect(await redisRefusal(url.toString(), stack.redisOptions(), checkpointKey)).toMatchObject({ message: 'NOAUTH Authentication required.' });
    expect(await redisRefusal(stack.redisUrl('trainer'), { tls: {} }, checkpointKey)).toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });

  it('runs ingest, trainer and scorer (exactly once) with the settings `sonar stack env --secure` prints', async () => {
    // Its own model: groups and keys of their own, the readings topic from the start.
    const model = `${ctx.model}-services`;
    const { REDIS_URL: _adminRedis, KAFKA_BROKERS: _brokers, ...deployment } = ctx.env({ SONAR_MODEL: model });
    const ports = { ingest: await freePort(), trainer: await freePort(), scorer: await freePort() };
    const services: ServiceProcess[] = [];
    const start = (service: 'ingest' | 'trainer' | 'scorer', extra: Record<string, string | number | boolean>) =>
      services.push(ctx.service(service, { ...deployment, ...stack.serviceEnv(service), ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) }, `secure-${service}`));
    try {
      start('ingest', { INGEST_PORT: ports.ingest });
      start('trainer', { TRAINER_PORT: ports.trainer, TRAIN_CHECKPOINT_EVERY: 1, TRAIN_CHECKPOINT_INTERVAL_MS: 200 });
      start('scorer', { SCORER_PORT: ports.scorer, SCORER_EXACTLY_ONCE: true, SCORER_POLL_MS: 500 });
      const ingest = `http://127.0.0.1:${ports.ingest}`;
      await eventually(async () => (await fetch(`${ingest}/readyz`).catch(() => undefined))?.ok, 30_000, 'ingest to be ready');
      const lines = sonarLines();
      const response = await fetch(`${ingest}/readings`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: lines.join('\n') });
      expect(response.status).toBe(202);

      // Six full batches of 32; the record the ingest test wrote by hand is a dead letter.
      expect((await trained(ctx, 192, model, 60_000)).samples).toBe(192);
      // The one event the scorer test committed, then one per reading.
      const events = await readTopic(ctx.kafka, ctx.topics.classified, { count: lines.length + 1, readCommitted: true, timeoutMs: 60_000 });
      expect(events.length).toBe(lines.length + 1);
    } finally {
      const codes = await Promise.all(services.map((service) => service.stop()));
      expect(codes).toEqual([0, 0, 0]);
    }
  });
});

function checkpoint(version: number): Checkpoint {
  return {
    model: ctx.model,
    version,
    state: initialState({ optimizer: 'sgd', alpha: 0.1 }, THETA_LENGTH),
    cost: 0.5,
    accuracy: 0.8,
    samples: version,
    batches: version,
    topic: ctx.topics.readings,
    offsets: {},
    updatedAt: Date.now(),
    hyperparameters: {},
  };
}
