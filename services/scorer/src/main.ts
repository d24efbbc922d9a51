import { lastValueFrom } from 'rxjs';
import { consumerGroups, topicsFrom, contractTopics } from '@sonar/contracts';
import { BatchingProducer, BatchSource, ConsumerLag, createConsumer, createKafka, createProducer, ensureTopics } from '@sonar/kafka';
import { createLogger, createRegistry, kafkaConnection, redisConnection, Shutdown, startHttpServer, type RunningService } from '@sonar/runtime';
import { CheckpointStore, connectRedis } from '@sonar/store';
import { loadConfig } from './config.ts';
import { scorerMetrics } from './metrics.ts';
import { ModelHolder } from './model/model-holder.ts';
import { ModelWatcher } from './model/model-watcher.ts';
import { scoringPipeline } from './pipeline.ts';
import { recordScored } from './stages/observe.ts';
import { PipelinedPublisher } from './stages/publish.ts';
import { TransactionalPublisher } from './stages/publish-transactionally.ts';

/** Wires config, resources and the pipeline; everything is released by one shutdown path. */
export async function runScorer(env: NodeJS.ProcessEnv = process.env, options: { handleSignals?: boolean } = {}): Promise<RunningService> {
  const config = loadConfig(env);
  const logger = createLogger('scorer', config.LOG_LEVEL);
  const topics = topicsFrom(config);
  const groupId = consumerGroups.scorer(config.SONAR_MODEL);
  const registry = createRegistry('scorer');
  const shutdown = new Shutdown(logger, config.SHUTDOWN_GRACE_MS);
  const now = () => Date.now();
  const starting = new AbortController();

  const kafka = createKafka(kafkaConnection(config), `sonar-scorer-${config.SONAR_MODEL}`, logger);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, contractTopics(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION));
  const redis = connectRedis(redisConnection(config), logger, 'scorer');
  const subscriber = connectRedis(redisConnection(config), logger, 'scorer-updates');
  const store = new CheckpointStore(redis, config.SONAR_MODEL, config.REDIS_PREFIX);
  const lag = new ConsumerLag(admin, topics.readings);
  let metrics: ReturnType<typeof scorerMetrics> | undefined;
  const holder = new ModelHolder((model, previous) => {
    if (previous !== undefined) metrics?.swaps.inc();
    logger.info({ version: model.version, previous }, previous === undefined ? 'model loaded' : 'model swapped in');
  });
  metrics = scorerMetrics(registry, groupId, lag, holder);
  const watcher = new ModelWatcher(store, subscriber, holder, logger, config.SCORER_POLL_MS);
  const consumer = createConsumer(kafka, {
    groupId,
    sessionTimeout: config.SCORER_SESSION_TIMEOUT_MS,
    heartbeatInterval: config.SCORER_HEARTBEAT_MS,
  });
  const producer = createProducer(kafka);
  const batching = new BatchingProducer(producer, { maxBatchMessages: config.SCORER_BATCH_MESSAGES, lingerMs: config.SCORER_LINGER_MS });
  const transactional = config.SCORER_EXACTLY_ONCE
    ? new TransactionalPublisher({
        kafka,
        consumer,
        groupId,
        model: config.SONAR_MODEL,
        classifiedTopic: topics.classified,
        deadLetterTopic: topics.deadLetters,
        metrics,
        logger,
      })
    : undefined;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[topics.readings] ?? [];
    lag.retain(partitions);
    // Open each partition's transactional producer now: that aborts what a predecessor left open.
    transactional?.prepare(topics.readings, partitions);
  });
  const source = new BatchSource(consumer, { topics: [topics.readings], fromBeginning: true });
  const pipelined = new PipelinedPublisher({ producer: batching, consumer, classifiedTopic: topics.classified, deadLetterTopic: topics.deadLetters, logger });

  const http = await startHttpServer({
    host: config.SCORER_HOST,
    port: config.SCORER_PORT,
    registry,
    logger,
    ready: () => holder.current !== undefined && !shutdown.started,
  });
  shutdown
    .add('stop waiting for a model', () => starting.abort())
    .add('stop consuming', () => source.stop())
    .add('drain the pipeline', () => pipeline.catch(() => undefined))
    .add('acknowledge and commit what was sent', () => pipelined.drain())
    .add('disconnect consumer', () => consumer.disconnect())
    .add('flush producer', () => batching.flush())
    .add('disconnect producers', () => Promise.all([producer.disconnect(), transactional?.close()]))
    .add('stop model updates', () => watcher.stop())
    .add('disconnect admin', () => admin.disconnect())
    .add('quit redis', () => Promise.all([redis.quit(), subscriber.quit()]))
    .add('close http', () => http.close());
  if (options.handleSignals) shutdown.onSignals();

  let pipeline: Promise<unknown> = Promise.resolve();
  let failed: Promise<unknown> = pipeline;
  await watcher.start(starting.signal);
  await watcher.firstModel(starting.signal);
  if (!starting.signal.aborted) {
    await producer.connect();
    await consumer.connect();
    pipeline = lastValueFrom(
      scoringPipeline({
        source,
        holder,
        model: config.SONAR_MODEL,
        maxReadingBytes: config.MAX_READING_BYTES,
        publish: transactional?.stage ?? pipelined.stage,
        observe: recordScored(metrics, lag, config.SCORER_ACCURACY_WINDOW),
        now,
      }),
      { defaultValue: undefined },
    );
    failed = Promise.race([pipeline, pipelined.failed]).catch(async (error: unknown) => {
      logger.fatal({ err: error }, 'scoring pipeline failed');
      await shutdown.run('pipeline failed').catch(() => undefined);
      throw error;
    });
    logger.info({ model: config.SONAR_MODEL, group: groupId, exactlyOnce: config.SCORER_EXACTLY_ONCE, version: holder.current?.version }, 'scorer started');
  }
  return {
    port: http.port,
    done: failed.then(() => shutdown.run('pipeline completed')),
    stop: (reason = 'stop requested') => shutdown.run(reason),
  };
}
