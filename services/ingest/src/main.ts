import { topicsFrom, contractTopics } from '@sonar/contracts';
import { BatchingProducer, createKafka, createProducer, ensureTopics } from '@sonar/kafka';
import { createLogger, createRegistry, kafkaConnection, Shutdown, startHttpServer, type RunningService } from '@sonar/runtime';
import { loadConfig } from './config.ts';
import { readingsRoute } from './http/readings-route.ts';
import { KafkaReachability } from './reachability.ts';
import { ingestMetrics } from './metrics.ts';
import { ReadingPublisher } from './publisher.ts';

/** The ingest service: readings over HTTP onto Kafka. */
export async function runIngest(env: NodeJS.ProcessEnv = process.env, options: { handleSignals?: boolean } = {}): Promise<RunningService> {
  const config = loadConfig(env);
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const topics = topicsFrom(config);
  const registry = createRegistry('ingest');
  const metrics = ingestMetrics(registry);
  const shutdown = new Shutdown(logger, config.SHUTDOWN_GRACE_MS);

  const kafka = createKafka(kafkaConnection(config), 'sonar-ingest', logger);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, contractTopics(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION));
  const producer = createProducer(kafka);
  await producer.connect();
  const batching = new BatchingProducer(producer, { maxBatchMessages: config.INGEST_BATCH_MESSAGES, lingerMs: config.INGEST_LINGER_MS });
  const publisher = new ReadingPublisher(batching, topics.readings, config.INGEST_FORMAT);
  const reachability = new KafkaReachability(admin, logger);

  const http = await startHttpServer({
    host: config.INGEST_HOST,
    port: config.INGEST_PORT,
    registry,
    logger,
    bodyLimit: config.INGEST_BODY_LIMIT,
    ready: () => reachability.reachable && !shutdown.started,
    routes: readingsRoute({ publisher, metrics, logger, token: config.INGEST_TOKEN, ackTimeoutMs: config.INGEST_ACK_TIMEOUT_MS }),
  });

  // Closing HTTP first waits for in-flight requests, whose readings are then acknowledged.
  shutdown
    .add('close http', () => http.close())
    .add('flush producer', () => batching.flush())
    .add('disconnect producer', () => producer.disconnect())
    .add('stop reachability checks', () => reachability.stop())
    .add('disconnect admin', () => admin.disconnect());
  if (options.handleSignals) shutdown.onSignals();
  logger.info({ topic: topics.readings, format: config.INGEST_FORMAT, auth: config.INGEST_TOKEN !== undefined }, 'ingest started');

  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  return {
    port: http.port,
    done,
    stop: (reason = 'stop requested') => shutdown.run(reason).finally(finished),
  };
}
