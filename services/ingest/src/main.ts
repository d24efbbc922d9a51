import type { Admin, Producer } from 'kafkajs';
import { topicsFrom, contractTopics } from '@sonar/contracts';
import { BatchingProducer, connectAdmin, CoordinatorRefusals, createKafka, createProducer } from '@sonar/kafka';
import { createLogger, createRegistry, failedStart, kafkaConnection, ServiceFailures, Shutdown, startHttpServer, type HttpServer, type RunningService } from '@sonar/runtime';
import { loadConfig } from './config.ts';
import { readingsRoute } from './http/readings-route.ts';
import { RetryLedger } from './http/retry-ledger.ts';
import { KafkaReachability } from './reachability.ts';
import { ingestMetrics } from './metrics.ts';
import { ReadingPublisher } from './publisher.ts';

/** What ingest opens, released in the order the shutdown needs; a SIGTERM during start finds some of it. */
interface Resources {
  admin?: Admin;
  producer?: Producer;
  batching?: BatchingProducer;
  reachability?: KafkaReachability;
  http?: HttpServer;
}

/** The ingest service: readings over HTTP onto Kafka. */
export async function runIngest(env: NodeJS.ProcessEnv = process.env, options: { handleSignals?: boolean } = {}): Promise<RunningService> {
  const config = loadConfig(env);
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const topics = topicsFrom(config);
  const registry = createRegistry('ingest');
  const metrics = ingestMetrics(registry);
  const shutdown = new Shutdown(logger, config.SHUTDOWN_GRACE_MS);
  const r: Resources = {};

  // Closing HTTP first waits for in-flight requests, whose readings are then acknowledged.
  // Registered before anything opens, so a signal during start releases what is open by then.
  shutdown
    .add('close http', () => r.http?.close())
    .add('flush producer', () => r.batching?.flush())
    .add('disconnect producer', () => r.producer?.disconnect())
    .add('stop reachability checks', () => r.reachability?.stop())
    .add('disconnect admin', () => r.admin?.disconnect());
  if (options.handleSignals) shutdown.onSignals();

  const connection = kafkaConnection(config);
  const refusals = new CoordinatorRefusals();
  const failures = new ServiceFailures(logger, config, { write: [topics.readings] }, refusals);
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    // A refusal while serving: one fatal line, then the shutdown; the process exits non-zero.
    fail = (error) => {
      if (shutdown.started) return;
      const fatal = failures.report(error, 'ingest failed');
      void shutdown.run('kafka refused the readings').finally(() => reject(fatal));
    };
  });
  failed.catch(() => undefined);

  try {
    const kafka = createKafka(connection, 'sonar-ingest', logger, refusals);
    const admin = (r.admin = kafka.admin());
    await connectAdmin(admin, connection, contractTopics(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION));
    const producer = (r.producer = createProducer(kafka));
    await producer.connect();
    const batching = (r.batching = new BatchingProducer(producer, {
      maxBatchMessages: config.INGEST_BATCH_MESSAGES,
      lingerMs: config.INGEST_LINGER_MS,
      highWaterMark: config.INGEST_MAX_PENDING,
    }));
    const publisher = new ReadingPublisher(batching, topics.readings, config.INGEST_FORMAT);
    const reachability = (r.reachability = new KafkaReachability(admin, logger));

    r.http = await startHttpServer({
      host: config.INGEST_HOST,
      port: config.INGEST_PORT,
      tls: config.tls,
      registry,
      logger,
      bodyLimit: config.INGEST_BODY_LIMIT,
      notReady: () => (shutdown.started ? 'shutting down' : reachability.reachable ? undefined : 'Kafka is not reachable'),
      routes: readingsRoute({
        publisher,
        ledger: new RetryLedger(config.INGEST_DEDUP_IDS),
        metrics,
        logger,
        token: config.INGEST_TOKEN,
        ackTimeoutMs: config.INGEST_ACK_TIMEOUT_MS,
        maxReadings: config.INGEST_MAX_READINGS,
        maxPending: config.INGEST_MAX_PENDING,
        refused: (error) => {
          if (!failures.refuses(error)) return false;
          fail(error);
          return true;
        },
      }),
    });
  } catch (error) {
    throw await failedStart(error, shutdown, (cause) => failures.report(cause, 'ingest failed to start'));
  }
  logger.info({ topic: topics.readings, format: config.INGEST_FORMAT, auth: config.INGEST_TOKEN !== undefined, tls: config.tls !== undefined }, 'ingest started');

  let finished!: () => void;
  const stopped = new Promise<void>((resolve) => (finished = resolve));
  return {
    port: r.http.port,
    done: Promise.race([stopped, failed]),
    stop: (reason = 'stop requested') => shutdown.run(reason).finally(finished),
  };
}
