import https from 'node:https';
import { Kafka, logLevel, type KafkaConfig, type KafkaMessage, type LogEntry } from 'kafkajs';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * A kafkajs client that gives up soon (a refusal at once) and keeps what kafkajs only logs: when FindCoordinator
 * is refused (GROUP_ or TRANSACTIONAL_ID_AUTHORIZATION_FAILED), kafkajs throws
 * KafkaJSGroupCoordinatorNotFound and the refusal appears in its debug log alone.
 */
export function probingKafka(config: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>): { kafka: Kafka; refusals: string[] } {
  const refusals: string[] = [];
  const logCreator = () => (entry: LogEntry) => {
    const error = entry.log.error as unknown as { type?: string } | undefined;
    if (entry.log.message === 'Tried to find group coordinator' && error?.type) refusals.push(error.type);
  };
  const kafka = new Kafka({ clientId: 'secure-test', ...config, connectionTimeout: 3000, retry: { retries: 3, initialRetryTime: 200 }, logLevel: logLevel.DEBUG, logCreator });
  return { kafka, refusals };
}

/** What a failed promise threw, to assert on; fails the test when it did not fail. */
export async function failureOf(work: Promise<unknown>): Promise<{ name: string; type?: string; message: string; cause?: { name?: string; code?: string; message?: string } }> {
  try {
    await work;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a failure, but it succeeded');
}

/** The first messages of a topic read in this consumer group; rejects with the consumer's crash. */
export async function consumeFirst(kafka: Kafka, groupId: string, topic: string, count = 1, timeoutMs = 20_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0, restartOnFailure: async () => false } });
  const received: KafkaMessage[] = [];
  try {
    const crashed = new Promise<never>((_, reject) => consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error)));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<KafkaMessage[]>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message);
          if (received.length >= count) resolve(received);
        },
      });
    });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${groupId}: no ${count} messages on ${topic} in ${timeoutMs} ms`)), timeoutMs));
    return await Promise.race([done, crashed, timeout]);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/**
 * Why reading this key failed. A refused connection ioredis reports as an 'error' event, then
 * rejects with "Connection is closed."; no ready check, so the read itself meets a missing AUTH.
 */
export async function redisRefusal(url: string, options: RedisOptions, key: string): Promise<{ message: string; code?: string }> {
  const redis = new Redis(url, { ...options, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  const errors: { message: string; code?: string }[] = [];
  redis.on('error', (error: Error & { code?: string }) => errors.push({ message: error.message, code: error.code }));
  try {
    await redis.connect();
    await redis.hgetall(key);
  } catch (error) {
    // After the 'error' event with the reason, if there was one.
    errors.push({ message: (error as Error).message });
  } finally {
    redis.disconnect();
  }
  if (errors.length === 0) throw new Error(`expected ${url.replace(/:[^:@/]+@/, ':***@')} to be refused`);
  return errors[0]!;
}

/** A request over HTTPS that trusts only `ca` (fetch takes no CA of its own). */
export function httpsRequest(url: string, ca: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: init.method ?? 'GET', headers: init.headers, ca, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error(`${url}: no answer in 10 s`)));
    request.end(init.body);
  });
}

/** What a service said went wrong: its log lines at level error and above, and the CLI's "sonar: ..." lines. */
export function problemsOf(stdout: string, stderr: string): { errors: string[]; said: string[] } {
  const errors = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; msg: string })
    .filter((entry) => entry.level === 'error' || entry.level === 'fatal')
    .map((entry) => entry.msg);
  return { errors, said: stderr.split('\n').filter((line) => line.startsWith('sonar: ')) };
}
