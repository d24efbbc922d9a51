import { describe, expect, it } from 'vitest';
import { ExplainedFailure, explainFailure, explainRefusal, type FailureContext } from './explain-failure.ts';
import { REDIS_CONNECTION_ERROR } from './redis-failure.ts';

// The errors as kafkajs 2.2.4 and ioredis 5 throw them against the secured stack
// (tests/integration/secure-stack.test.ts records the originals).
const kafkaError = (name: string, message: string, more: object = {}) => Object.assign(new Error(message), { name, ...more });
const retriesExceeded = (cause: Error) => kafkaError('KafkaJSNumberOfRetriesExceeded', cause.message, { cause });
const replyError = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
const redisConnection = (cause: Error) => Object.assign(new Error(cause.message, { cause }), { name: REDIS_CONNECTION_ERROR });
const nodeError = (message: string, code: string) => Object.assign(new Error(message), { code });

const scorer: FailureContext = {
  kafka: { brokers: ['127.0.0.1:9192'], user: 'scorer', mechanism: 'scram-sha-512' },
  redis: { url: 'rediss://scorer:hunter2-secret@127.0.0.1:6380' },
  needs: { read: ['sonar.readings'], write: ['sonar.classified', 'sonar.readings.dlq'], group: 'sonar-scorer-sonar' },
};
const line = (error: unknown, context: FailureContext = scorer) => explainFailure(error, context)?.line;

describe('explainFailure: Kafka', () => {
  it('a wrong password or an unknown user', () => {
    const refused = kafkaError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512');
    expect(explainFailure(refused, scorer)).toEqual({
      problem: 'kafka_credentials',
      line: "Kafka refused the credentials of user 'scorer' (SASL SCRAM-SHA-512): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD",
    });
  });

  it('a mechanism the broker does not enable, from its handshake or from kafkajs', () => {
    const context = { ...scorer, kafka: { ...scorer.kafka!, mechanism: 'plain' } };
    const expected = 'Kafka does not accept SASL PLAIN (UNSUPPORTED_SASL_MECHANISM): set KAFKA_SASL_MECHANISM to a mechanism the broker enables';
    expect(line(kafkaError('KafkaJSProtocolError', 'The broker does not support the requested SASL mechanism', { type: 'UNSUPPORTED_SASL_MECHANISM', code: 33 }), context)).toBe(expected);
    expect(line(kafkaError('KafkaJSSASLAuthenticationError', 'SASL PLAIN mechanism is not supported by the server'), context)).toBe(expected);
  });

  it('a certificate signed by a CA the client does not trust, after kafkajs retried', () => {
    const untrusted = retriesExceeded(kafkaError('KafkaJSConnectionError', 'Connection error: unable to verify the first certificate', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }));
    expect(explainFailure(untrusted, scorer)).toEqual({
      problem: 'kafka_tls',
      line: "Kafka's certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): set KAFKA_SSL_CA_FILE to the CA that signed it",
    });
    expect(line(kafkaError('KafkaTlsError', 'x', { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }))).toBe(
      'Kafka does not speak TLS at 127.0.0.1:9192 (ERR_SSL_WRONG_VERSION_NUMBER): unset KAFKA_SSL, or point KAFKA_BROKERS at its TLS listener',
    );
  });

  it('a topic refusal names the topic when the service needs only one, or the action', () => {
    const refused = kafkaError('KafkaJSProtocolError', 'Not authorized to access topics: [Topic authorization failed]', { type: 'TOPIC_AUTHORIZATION_FAILED', code: 29 });
    const ingest: FailureContext = { kafka: { brokers: ['b:1'], user: 'scorer' }, needs: { write: ['sonar.readings'] } };
    expect(line(refused, ingest)).toBe("user 'scorer' may not write topic sonar.readings (TOPIC_AUTHORIZATION_FAILED): grant it, or use the right credentials in KAFKA_SASL_USERNAME");
    expect(line(refused, { ...scorer, action: 'read topic sonar.readings' })).toBe(
      "user 'scorer' may not read topic sonar.readings (TOPIC_AUTHORIZATION_FAILED): grant it, or use the right credentials in KAFKA_SASL_USERNAME",
    );
    expect(line(refused)).toContain('may not use a topic it needs (read sonar.readings; write sonar.classified, sonar.readings.dlq)');
  });

  it('a group or transactional-id refusal, which kafkajs only logs, names the group or id', () => {
    const notFound = kafkaError('KafkaJSGroupCoordinatorNotFound', 'Failed to find group coordinator');
    expect(explainFailure(notFound, { ...scorer, kafka: { ...scorer.kafka!, user: 'ingest' }, coordinatorRefusal: { type: 'GROUP_AUTHORIZATION_FAILED', id: 'sonar-scorer-sonar' } })).toEqual({
      problem: 'kafka_authorization',
      line: "user 'ingest' may not use consumer group sonar-scorer-sonar (GROUP_AUTHORIZATION_FAILED): grant it, or use the right credentials in KAFKA_SASL_USERNAME",
    });
    expect(line(notFound, { ...scorer, coordinatorRefusal: { type: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', id: 'sonar-trainer-m-0' } })).toMatch(/^user 'scorer' may not use transactional id sonar-trainer-m-0 /);
    // Without a logged refusal it is not a refusal: no coordinator yet.
    expect(explainFailure(notFound, scorer)).toBeUndefined();
  });

  it('a listener that wants what the client does not offer, and a broker that is not there', () => {
    const closed = retriesExceeded(kafkaError('KafkaJSConnectionClosedError', 'Closed connection'));
    expect(line(closed)).toMatch(/^Kafka closed the connection at 127.0.0.1:9192 \(KafkaJSConnectionClosedError\): if its listener wants TLS or SASL, set KAFKA_SSL/);
    const refused = retriesExceeded(kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }));
    expect(line(refused, { kafka: { brokers: ['127.0.0.1:1'] } })).toBe('Kafka is not reachable at 127.0.0.1:1 (ECONNREFUSED): check KAFKA_BROKERS');
  });

  it('says who connected without credentials', () => {
    const refused = kafkaError('KafkaJSProtocolError', 'x', { type: 'TOPIC_AUTHORIZATION_FAILED' });
    expect(line(refused, { kafka: { brokers: ['b:1'] }, needs: { read: ['t'] } })).toMatch(/^a client without SASL credentials may not read topic t /);
  });

  it('keeps an explanation given where more was known', () => {
    const refused = kafkaError('KafkaJSProtocolError', 'x', { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const explained = explainFailure(refused, { ...scorer, action: 'write topic t' })!;
    expect(explainFailure(new ExplainedFailure(explained, refused), {})).toBe(explained);
  });

  it('tells a refusal from a server that is not there', () => {
    const refused = kafkaError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed');
    const down = retriesExceeded(kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' }));
    expect(explainRefusal(refused, scorer)?.problem).toBe('kafka_credentials');
    expect(explainFailure(down, scorer)?.problem).toBe('kafka_unreachable');
    expect(explainRefusal(down, scorer)).toBeUndefined();
  });

  it('leaves other failures alone', () => {
    expect(explainFailure(kafkaError('KafkaJSProtocolError', 'The group is rebalancing', { type: 'REBALANCE_IN_PROGRESS' }), scorer)).toBeUndefined();
    expect(explainFailure(new Error('boom'), scorer)).toBeUndefined();
  });
});

describe('explainFailure: Redis', () => {
  it('a wrong password, no credentials, and a command or key its ACL does not allow', () => {
    expect(explainFailure(replyError('WRONGPASS invalid username-password pair or user is disabled.'), scorer)).toEqual({
      problem: 'redis_credentials',
      line: "Redis refused the credentials of user 'scorer' (WRONGPASS): check the user and password in REDIS_URL",
    });
    expect(line(replyError('NOAUTH Authentication required.'))).toBe('Redis wants credentials (NOAUTH): put a user and password in REDIS_URL (rediss://user:password@host:port)');
    expect(line(replyError("NOPERM this user has no permissions to run the 'evalsha' command"))).toBe(
      "Redis user 'scorer' may not run 'evalsha' (NOPERM): use the service's own user in REDIS_URL, or grant it",
    );
    expect(line(replyError('NOPERM this user has no permissions to access one of the keys used as arguments'))).toBe(
      "Redis user 'scorer' may not use these keys (NOPERM): check REDIS_PREFIX, and the user in REDIS_URL and its ACL",
    );
  });

  it('an untrusted certificate and an unreachable server, of a connection of ours, with the password hidden', () => {
    const untrusted = redisConnection(nodeError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'));
    expect(explainFailure(untrusted, scorer)).toEqual({
      problem: 'redis_tls',
      line: "Redis's certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN): set REDIS_TLS_CA_FILE to the CA that signed it",
    });
    const down = redisConnection(nodeError('connect ECONNREFUSED 127.0.0.1:6380', 'ECONNREFUSED'));
    expect(line(down)).toBe('Redis is not reachable at rediss://scorer:***@127.0.0.1:6380 (ECONNREFUSED): check REDIS_URL');
    // The same codes from elsewhere (fetch, a file) are not Redis'.
    expect(explainFailure(nodeError('connect ECONNREFUSED', 'ECONNREFUSED'), scorer)).toBeUndefined();
  });

  it('never prints a password', () => {
    const errors = [
      replyError('WRONGPASS invalid username-password pair or user is disabled.'),
      redisConnection(nodeError('connect ECONNREFUSED', 'ECONNREFUSED')),
      redisConnection(nodeError('x', 'ERR_SSL_WRONG_VERSION_NUMBER')),
    ];
    for (const error of errors) expect(line(error)).not.toContain('hunter2');
  });
});
