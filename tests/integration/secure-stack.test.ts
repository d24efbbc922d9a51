import { THETA_LENGTH, topicsEnv } from '@sonar/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
import { consumeFirst, failureOf, httpsRequest, probingKafka, problemsOf, redisRefusal } from '../support/secure-clients.ts';
import { eventually, readTopic, runSonar, trained, type ServiceProcess } from '@sonar/testkit';

// `sonar stack up --secure` through the same code, on its own ports and home: every principal
// connects with SCRAM-SHA-512 over TLS, may do what its service needs and is refused the rest.

const SASL_REFUSED = 'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512';

let sonarHome: string;
let stack: SecureStack;
let ctx: TestContext;
let gradients: string;
/** Where `sonar stack env --secure` finds this stack. */
let stackSettings: Record<string, string>;
/** What the CLI printed and the services answered, besides the services' logs (in ctx.logDir). */
const printed: string[] = [];
const INGEST_TOKEN = randomBytes(18).toString('base64url');
const WRONG_PASSWORD = `not-the-password-${randomBytes(6).toString('hex')}`;

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

/** The environment `sonar stack env --secure --service <service>` prints for this stack. */
async function stackEnv(service: SecureService): Promise<Record<string, string>> {
  const run = await runSonar(['stack', 'env', '--secure', '--service', service], stackSettings);
  expect(run.code, run.stderr).toBe(0);
  return Object.fromEntries(
    run.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const [, name, value] = /^export ([A-Z0-9_]+)='(.*)'$/.exec(line)!;
        return [name!, value!.replaceAll("'\\''", "'")];
      }),
  );
}

/** A service's environment on the test's topics, prefix and model, as `sonar stack env --secure` gives it. */
async function serviceEnv(service: 'ingest' | 'trainer' | 'scorer', extra: Record<string, string | number | boolean> = {}): Promise<Record<string, string>> {
  const { REDIS_URL: _adminRedis, KAFKA_BROKERS: _brokers, ...deployment } = ctx.env({ SONAR_MODEL: `${ctx.model}-services` });
  return { ...deployment, ...(await stackEnv(service)), ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) };
}

/** `sonar <service>` until it exits: its code, how long it ran, and what it said went wrong. */
async function failing(service: 'ingest' | 'trainer' | 'scorer', env: Record<string, string>) {
  const started = Date.now();
  const run = await runSonar([service], { ...env, INGEST_PORT: '0', TRAINER_PORT: '0', SCORER_PORT: '0' }, 90_000);
  printed.push(run.stdout, run.stderr);
  const seconds = (Date.now() - started) / 1000;
  const outcome = { code: run.code, seconds, ...problemsOf(run.stdout, run.stderr) };
  process.stderr.write(`sonar ${service} exited ${run.code} after ${seconds.toFixed(1)} s: ${outcome.said.join(' ')}\n`);
  return outcome;
}

/** It exited non-zero within a few seconds, and said this one line: once in its log, once on stderr. */
function saidOnly(outcome: Awaited<ReturnType<typeof failing>>, line: string | RegExp): void {
  expect(outcome.code, JSON.stringify(outcome)).toBe(1);
  expect(outcome.seconds, JSON.stringify(outcome)).toBeLessThan(20);
  expect(outcome.errors, JSON.stringify(outcome)).toEqual([typeof line === 'string' ? line : expect.stringMatching(line)]);
  expect(outcome.said).toEqual([typeof line === 'string' ? `sonar: ${line}` : expect.stringMatching(line)]);
}

beforeAll(async () => {
  const base = stackConfig();
  // `sonar stack env --secure` finds the secured stack in <SONAR_HOME>/secure.
  sonarHome = mkdtempSync(join(tmpdir(), 'sonar-secure-'));
  const home = join(sonarHome, 'secure');
  mkdirSync(home, { mode: 0o700 });
  const [kafkaPort, kafkaControllerPort, redisPort] = [await freePort(), await freePort(), await freePort()];
  stackSettings = { SONAR_HOME: sonarHome, KAFKA_SECURE_PORT: String(kafkaPort), REDIS_SECURE_PORT: String(redisPort) };
  stack = new SecureStack({ ...base.secure, home, kafkaPort, kafkaControllerPort, redisPort, kafkaHeap: '-Xms256m -Xmx512m' });
  const started = Date.now();
  await stack.up(() => undefined);
  process.stderr.write(`secured stack up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  // The test's own topics and prefix, granted as the stack grants its own.
  const { brokers, ...kafkaSecurity } = stack.kafkaClient('admin');
  ctx = await testContext('secure', { brokers, kafkaSecurity, redisUrl: stack.redisUrl('admin'), redisOptions: stack.redisOptions() });
  gradients = ctx.topics.gradients;
  await ctx.createTopics(1);
  await ctx.createTopic(gradients, 1);
  await ctx.createTopic(`${ctx.topicPrefix}private`, 1);
  await grantServiceAcls(ctx.admin, ctx.topics);
  await grantRedisPrefix(ctx.redis, ctx.redisPrefix);
});

afterAll(async () => {
  await ctx?.cleanup();
  await stack?.down(() => undefined);
  if (sonarHome) rmSync(sonarHome, { recursive: true, force: true });
});

describe('the secured stack: Kafka SASL_SSL + SCRAM-SHA-512 + ACLs, Redis TLS + ACL users', () => {
  it('each service principal authenticates over TLS and sees the topics it was granted, not others', async () => {
    const deployment = Object.values(ctx.topics).filter((topic) => topic !== gradients);
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

  it('`sonar stack grant`, as admin, creates a deployment\'s topics and the ACLs its services need on them', async () => {
    const topics = ctx.topicsFor('granted');
    const { KAFKA_BROKERS, KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD } = await stackEnv('admin');
    const kafkaAdmin = { KAFKA_BROKERS, KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD } as Record<string, string>;
    const run = await runSonar(['stack', 'grant'], { ...kafkaAdmin, ...topicsEnv(topics), TOPIC_PARTITIONS: '1' });
    printed.push(run.stdout, run.stderr);
    expect(run.code, run.stderr).toBe(0);
    await send(as('ingest').kafka, topics.readings);
    expect((await failureOf(send(as('ingest').kafka, topics.classified))).type).toBe('TOPIC_AUTHORIZATION_FAILED');
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

  it('runs ingest (HTTPS, a token), trainer and scorer (exactly once) with the settings `sonar stack env --secure` prints', async () => {
    // Its own model: groups and keys of their own, the readings topic from the start.
    const model = `${ctx.model}-services`;
    const ports = { ingest: await freePort(), trainer: await freePort(), scorer: await freePort() };
    const services: ServiceProcess[] = [];
    const start = async (service: 'ingest' | 'trainer' | 'scorer', extra: Record<string, string | number | boolean>) =>
      services.push(ctx.service(service, await serviceEnv(service, extra), `secure-${service}`));
    const ca = readFileSync(stack.tls.ca, 'utf8');
    try {
      // The stack's server certificate is valid for 127.0.0.1 and signed by its CA: good enough for ingest too.
      // At debug level: the leak check reads all it says about requests and Kafka.
      await start('ingest', { INGEST_PORT: ports.ingest, INGEST_TOKEN, INGEST_TLS_CERT_FILE: stack.tls.cert, INGEST_TLS_KEY_FILE: stack.tls.key, LOG_LEVEL: 'debug' });
      await start('trainer', { TRAINER_PORT: ports.trainer, TRAIN_CHECKPOINT_EVERY: 1, TRAIN_CHECKPOINT_INTERVAL_MS: 200 });
      await start('scorer', { SCORER_PORT: ports.scorer, SCORER_EXACTLY_ONCE: true, SCORER_POLL_MS: 500 });
      const ingest = `https://127.0.0.1:${ports.ingest}`;
      await eventually(async () => (await httpsRequest(`${ingest}/readyz`, ca).catch(() => undefined))?.status === 200, 30_000, 'ingest to be ready');
      const lines = sonarLines();
      const post = (headers: Record<string, string>) => httpsRequest(`${ingest}/readings`, ca, { method: 'POST', headers: { 'content-type': 'text/csv', ...headers }, body: lines.join('\n') });
      expect((await post({})).status).toBe(401);
      expect((await post({ authorization: `Bearer ${INGEST_TOKEN}` })).status).toBe(202);
      // Plain HTTP gets no answer from the HTTPS listener.
      expect(await fetch(`http://127.0.0.1:${ports.ingest}/readyz`).then((r) => r.status, () => 'refused')).not.toBe(200);

      // Six full batches of 32; the record the ingest test wrote by hand is a dead letter.
      expect((await trained(ctx, 192, model, 60_000)).samples).toBe(192);
      // The one event the scorer test committed, then one per reading.
      const events = await readTopic(ctx.kafka, ctx.topics.classified, { count: lines.length + 1, readCommitted: true, timeoutMs: 60_000 });
      expect(events.length).toBe(lines.length + 1);

      printed.push((await httpsRequest(`${ingest}/metrics`, ca)).body);
      for (const port of [ports.trainer, ports.scorer]) printed.push(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      // The operator's view, with the explicit CA file and with NODE_EXTRA_CA_CERTS instead.
      const { REDIS_TLS_CA_FILE: caFile, ...operator } = await stackEnv('admin');
      const admin = { ...operator, SONAR_MODEL: model, REDIS_PREFIX: ctx.redisPrefix };
      for (const env of [{ ...admin, REDIS_TLS_CA_FILE: caFile! }, { ...admin, NODE_EXTRA_CA_CERTS: caFile! }]) {
        const shown = await runSonar(['model', 'show'], env);
        printed.push(shown.stdout, shown.stderr);
        expect(shown.code, shown.stderr).toBe(0);
        expect(shown.stdout).toMatch(new RegExp(`^model +${model}\n`));
      }
    } finally {
      const codes = await Promise.all(services.map((service) => service.stop()));
      expect(codes).toEqual([0, 0, 0]);
    }
  });

  it('each service exits within seconds, saying so in one line, on a wrong password of Kafka or of Redis', async () => {
    const refused = (user: string) => `Kafka refused the credentials of user '${user}' (SASL SCRAM-SHA-512): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`;
    const [ingest, trainer, scorer] = await Promise.all(
      // At debug level, so that the leak check below reads kafkajs' account of the SASL exchange too.
      (['ingest', 'trainer', 'scorer'] as const).map(async (service) => failing(service, await serviceEnv(service, { KAFKA_SASL_PASSWORD: WRONG_PASSWORD, LOG_LEVEL: 'debug' }))),
    );
    saidOnly(ingest!, refused('ingest'));
    saidOnly(trainer!, refused('trainer'));
    saidOnly(scorer!, refused('scorer'));

    const redisRefused = (user: string) => `Redis refused the credentials of user '${user}' (WRONGPASS): check the user and password in REDIS_URL`;
    const [trainerRedis, scorerRedis] = await Promise.all(
      (['trainer', 'scorer'] as const).map(async (service) => {
        const env = await serviceEnv(service);
        const url = new URL(env.REDIS_URL!);
        url.password = WRONG_PASSWORD;
        return failing(service, { ...env, REDIS_URL: url.toString() });
      }),
    );
    saidOnly(trainerRedis!, redisRefused('trainer'));
    saidOnly(scorerRedis!, redisRefused('scorer'));
  });

  it('a principal without the ACL its service needs is refused by the broker (or Redis), and the service says so in one line', async () => {
    const kafkaAs = async (service: 'ingest' | 'trainer' | 'scorer', principal: 'ingest' | 'trainer' | 'scorer') => {
      const theirs = await stackEnv(principal);
      return serviceEnv(service, { KAFKA_SASL_USERNAME: principal, KAFKA_SASL_PASSWORD: theirs.KAFKA_SASL_PASSWORD! });
    };
    const model = `${ctx.model}-services`;
    const grant = 'grant it, or use the right credentials in KAFKA_SASL_USERNAME';
    // Ingest starts (it may describe the topics), then its first write is refused: that request gets 503, and it exits.
    const port = await freePort();
    const ingest = ctx.service('ingest', { ...(await kafkaAs('ingest', 'scorer')), INGEST_PORT: String(port) }, 'secure-ingest-as-scorer');
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok, 30_000, 'ingest as scorer to be ready');
    const answer = await fetch(`http://127.0.0.1:${port}/readings`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: sonarLines()[0] });
    expect({ status: answer.status, body: await answer.json() }).toEqual({ status: 503, body: { error: 'kafka_refused', message: 'Kafka refused the readings: ingest is stopping' } });
    expect(await ingest.exited).toBe(1);
    const ingestSaid = problemsOf(readFileSync(ingest.logFile, 'utf8'), readFileSync(ingest.logFile, 'utf8'));
    expect(ingestSaid.errors).toEqual([`user 'scorer' may not write topic ${ctx.topics.readings} (TOPIC_AUTHORIZATION_FAILED): ${grant}`]);
    expect(ingestSaid.said).toEqual([`sonar: user 'scorer' may not write topic ${ctx.topics.readings} (TOPIC_AUTHORIZATION_FAILED): ${grant}`]);

    const [scorer, trainer, trainerRedis] = await Promise.all([
      failing('scorer', await kafkaAs('scorer', 'ingest')),
      failing('trainer', await kafkaAs('trainer', 'scorer')),
      // The scorer's Redis user may read checkpoints, never write one.
      (async () => failing('trainer', await serviceEnv('trainer', { REDIS_URL: (await stackEnv('scorer')).REDIS_URL! })))(),
    ]);
    saidOnly(scorer, `user 'ingest' may not use consumer group sonar-scorer-${model} (GROUP_AUTHORIZATION_FAILED): ${grant}`);
    saidOnly(trainer, `user 'scorer' may not use consumer group sonar-trainer-${model} (GROUP_AUTHORIZATION_FAILED): ${grant}`);
    saidOnly(trainerRedis, /^(sonar: )?Redis user 'scorer' may not run 'eval(sha)?' \(NOPERM\): use the service's own user in REDIS_URL, or grant it$/);
  });

  it('a SASL mechanism the broker does not enable, and a certificate the service does not trust, are one line naming the setting', async () => {
    const mechanism = (name: string) => `Kafka does not accept SASL ${name} (UNSUPPORTED_SASL_MECHANISM): set KAFKA_SASL_MECHANISM to a mechanism the broker enables`;
    const untrusted = (server: string, code: string, setting: string) => `${server}'s certificate is not trusted (${code}): set ${setting} to the CA that signed it`;
    const { KAFKA_SSL_CA_FILE: _kafkaCa, ...trustingNodeOnly } = await serviceEnv('trainer');
    const { REDIS_TLS_CA_FILE: _redisCa, ...redisTrustingNodeOnly } = await serviceEnv('scorer');
    const [plain, sha256, kafkaCertificate, redisCertificate] = await Promise.all([
      (async () => failing('ingest', await serviceEnv('ingest', { KAFKA_SASL_MECHANISM: 'plain' })))(),
      (async () => failing('trainer', await serviceEnv('trainer', { KAFKA_SASL_MECHANISM: 'scram-sha-256' })))(),
      failing('trainer', trustingNodeOnly),
      failing('scorer', redisTrustingNodeOnly),
    ]);
    saidOnly(plain, mechanism('PLAIN'));
    saidOnly(sha256, mechanism('SCRAM-SHA-256'));
    saidOnly(kafkaCertificate, untrusted('Kafka', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'KAFKA_SSL_CA_FILE'));
    saidOnly(redisCertificate, untrusted('Redis', 'SELF_SIGNED_CERT_IN_CHAIN', 'REDIS_TLS_CA_FILE'));
  });

  it('nothing a secured run printed holds a password or the ingest token', () => {
    const logs = readdirSync(ctx.logDir).map((name) => readFileSync(join(ctx.logDir, name), 'utf8'));
    const everything = [...logs, ...printed];
    // The services of the tests above: their logs, the CLI's output, the /metrics bodies.
    expect(logs.length).toBeGreaterThanOrEqual(4);
    expect(printed.length).toBeGreaterThanOrEqual(20);
    const secrets = [...Object.values(stack.credentials.read()), INGEST_TOKEN, WRONG_PASSWORD];
    for (const secret of secrets) {
      const holding = everything.filter((text) => text.includes(secret)).map((text) => text.slice(0, 200));
      expect(holding, 'a secret was printed').toEqual([]);
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
