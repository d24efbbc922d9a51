import { lastValueFrom, type Observable } from 'rxjs';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { consumerGroups, contractTopics, encodeClassifiedAs, topicsFrom } from '@sonar/contracts';
import {
  BatchingProducer,
  BatchSource,
  connectAdmin,
  ConsumerLag,
  CoordinatorRefusals,
  createConsumer,
  createKafka,
  createProducer,
  giveUpPartitionsWhen,
  GroupMembership,
  RefusableSender,
} from '@sonar/kafka';
import {
  createLogger,
  createRegistry,
  deadLetterLimits,
  DependencyHealth,
  failedStart,
  kafkaConnection,
  redisConnection,
  ServiceFailures,
  Shutdown,
  startHttpServer,
  type HttpServer,
  type Logger,
  type RunningService,
} from '@sonar/runtime';
import { predictionTheta } from '@sonar/model';
import { CheckpointStore, closeRedis, connectRedis, firstContact, ModelHolder, ModelWatcher, probeRedis, type RedisClient } from '@sonar/store';
import { loadConfig, type ScorerConfig } from './config.ts';
import { scorerMetrics } from './metrics.ts';
import { scoringPipeline } from './pipeline.ts';
import { recordScored } from './stages/observe.ts';
import { PipelinedPublisher } from './stages/publish.ts';
import { TransactionalPublisher } from './stages/publish-transactionally.ts';

/** What the scorer opens, released in the order the shutdown needs; a SIGTERM during start finds some of it. */
interface Resources {
  admin?: Admin;
  redis?: RedisClient;
  subscriber?: RedisClient;
  watcher?: ModelWatcher;
  shadowSubscriber?: RedisClient;
  shadowWatcher?: ModelWatcher;
  consumer?: Consumer;
  membership?: GroupMembership;
  source?: BatchSource;
  producer?: Producer;
  deadLetterProducer?: Producer;
  batching?: BatchingProducer;
  pipelined?: PipelinedPublisher;
  transactional?: TransactionalPublisher;
  http?: HttpServer;
  stopProbe?: () => void;
  lag?: ConsumerLag;
  pipeline?: Promise<unknown>;
}

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
  const health = new DependencyHealth(registry, ['redis', 'kafka']);
  const r: Resources = {};

  // Registered before anything opens, so a signal during start releases what is open by then.
  shutdown
    .add('stop waiting for a model', () => starting.abort())
    .add('stop consuming', () => r.source?.stop())
    .add('drain the pipeline', () => r.pipeline?.catch(() => undefined))
    .add('acknowledge and commit what was sent', () => r.pipelined?.drain())
    .add('disconnect consumer', () => r.membership?.disconnect())
    .add('flush producer', () => r.batching?.flush())
    .add('disconnect producers', () => Promise.all([r.producer?.disconnect(), r.deadLetterProducer?.disconnect(), r.transactional?.close()]))
    .add('stop model updates', async () => {
      r.stopProbe?.();
      r.lag?.stop();
      await Promise.all([r.watcher?.stop(), r.shadowWatcher?.stop()]);
    })
    .add('disconnect admin', () => r.admin?.disconnect())
    .add('quit redis', () => Promise.all([closeRedis(r.redis), closeRedis(r.subscriber), closeRedis(r.shadowSubscriber)]))
    .add('close http', () => r.http?.close());
  if (options.handleSignals) shutdown.onSignals();

  const connection = kafkaConnection(config);
  const refusals = new CoordinatorRefusals();
  const failures = new ServiceFailures(logger, config, { read: [topics.readings], write: [topics.classified, topics.deadLetters], group: groupId }, refusals);

  try {
    const kafka = createKafka(connection, `sonar-scorer-${config.SONAR_MODEL}`, logger, refusals);
    const admin = (r.admin = kafka.admin());
    await connectAdmin(admin, connection, contractTopics(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION));
    const redis = (r.redis = connectRedis(redisConnection(config), logger, 'scorer', config.REDIS_COMMAND_TIMEOUT_MS));
    // Subscribed connections wait for messages: no command timeout there.
    const subscriber = (r.subscriber = connectRedis(redisConnection(config), logger, 'scorer-updates', 0));
    await Promise.all([firstContact(redis), firstContact(subscriber)]);
    r.stopProbe = probeRedis(redis, health);
    const store = new CheckpointStore(redis, config.SONAR_MODEL, config.REDIS_PREFIX);
    const lag = (r.lag = new ConsumerLag(admin, topics.readings).start());
    let metrics: ReturnType<typeof scorerMetrics> | undefined;
    const holder = new ModelHolder((model, previous) => {
      if (previous !== undefined) metrics?.swaps.inc();
      logger.info({ version: model.version, previous }, previous === undefined ? 'model loaded' : 'model swapped in');
    });
    metrics = scorerMetrics(registry, groupId, lag, holder);
    const watcher = (r.watcher = new ModelWatcher(store, subscriber, holder, logger, config.SCORER_POLL_MS, (reason) => metrics?.modelsRejected.inc({ reason })));
    const shadow =
      config.SCORER_SHADOW_MODEL === undefined ? undefined : await shadowHolder(config, config.SCORER_SHADOW_MODEL, redis, r, logger, (version) => metrics?.shadow.version.set(version));
    const consumer = (r.consumer = createConsumer(kafka, {
      groupId,
      sessionTimeout: config.SCORER_SESSION_TIMEOUT_MS,
      heartbeatInterval: config.SCORER_HEARTBEAT_MS,
    }));
    const membership = (r.membership = new GroupMembership(consumer, topics.readings));
    const source = (r.source = new BatchSource(consumer, { topics: [topics.readings], fromBeginning: true, prefetch: config.SCORER_PREFETCH_BATCHES }));
    const producer = (r.producer = createProducer(kafka));
    const deadLetterProducer = (r.deadLetterProducer = createProducer(kafka, undefined, 'bounded'));
    const batching = (r.batching = new BatchingProducer(producer, { maxBatchMessages: config.SCORER_BATCH_MESSAGES, lingerMs: config.SCORER_LINGER_MS }));
    const transactional = (r.transactional = config.SCORER_EXACTLY_ONCE
      ? new TransactionalPublisher({
          kafka,
          admin,
          source,
          groupId,
          deadLetterLimits: deadLetterLimits(config),
          model: config.SONAR_MODEL,
          classifiedTopic: topics.classified,
          deadLetterTopic: topics.deadLetters,
          metrics,
          logger,
        })
      : undefined);
    membership.assignments$.subscribe((partitions) => {
      lag.retain(partitions);
      // Open each partition's transactional producer now: that aborts what a predecessor left open.
      transactional?.prepare(topics.readings, partitions);
    });
    const pipelined = (r.pipelined = new PipelinedPublisher({
      producer: batching,
      deadLetters: new RefusableSender(deadLetterProducer),
      deadLetterLimits: deadLetterLimits(config),
      source,
      classifiedTopic: topics.classified,
      deadLetterTopic: topics.deadLetters,
      metrics,
      logger,
    }));
    const kafkaStuckForMs = () => (transactional ? transactional.failingForMs() : pipelined.waitingForKafkaMs());

    r.http = await startHttpServer({
      host: config.SCORER_HOST,
      port: config.SCORER_PORT,
      registry,
      logger,
      notReady: () => {
        if (shutdown.started) return 'shutting down';
        if (holder.current === undefined) return 'no model yet: waiting for the first checkpoint';
        return health.problem();
      },
    });

    let failed: Promise<unknown> = Promise.resolve();
    // May it use its group? Asked now: its consumer joins only once there is a model.
    await admin.describeGroups([groupId]);
    await watcher.start(starting.signal);
    await watcher.firstModel(starting.signal);
    if (!starting.signal.aborted) {
      await Promise.all([producer.connect(), deadLetterProducer.connect()]);
      await consumer.connect();
      r.pipeline = lastValueFrom(
        scoringPipeline({
          source,
          failures$: giveUpWhenKafkaStuck(config, health, kafkaStuckForMs),
          holder,
          shadow,
          model: config.SONAR_MODEL,
          maxReadingBytes: config.MAX_READING_BYTES,
          encode: encodeClassifiedAs(config.SCORER_EVENT_FORMAT),
          admit: transactional?.admit,
          publish: transactional?.stage ?? pipelined.stage,
          observe: recordScored(metrics, lag, config.SCORER_ACCURACY_WINDOW, config.SCORER_DRIFT_THRESHOLD > 0 ? { threshold: config.SCORER_DRIFT_THRESHOLD, logger } : undefined),
          now,
        }),
        { defaultValue: undefined },
      );
      failed = Promise.race([r.pipeline, pipelined.failed]).catch(async (error: unknown) => {
        const fatal = failures.report(error, 'scoring pipeline failed');
        await shutdown.run('pipeline failed').catch(() => undefined);
        throw fatal;
      });
      logger.info({ model: config.SONAR_MODEL, group: groupId, exactlyOnce: config.SCORER_EXACTLY_ONCE, eventFormat: config.SCORER_EVENT_FORMAT, version: holder.current?.version }, 'scorer started');
    }
    return {
      port: r.http.port,
      done: failed.then(() => shutdown.run('pipeline completed')),
      stop: (reason = 'stop requested') => shutdown.run(reason),
    };
  } catch (error) {
    throw await failedStart(error, shutdown, (cause) => failures.report(cause, 'scorer failed to start'));
  }
}

/**
 * Events unacknowledged (or transactions failing) past SCORER_KAFKA_STUCK_MS mark Kafka
 * down (not ready); past SCORER_GIVE_UP_MS the scorer gives up its partitions: the
 * pipeline fails and the process exits non-zero, for a standby or its supervisor.
 */
function giveUpWhenKafkaStuck(config: ScorerConfig, health: DependencyHealth, stuckForMs: () => number): Observable<never> {
  return giveUpPartitionsWhen(() => {
    const stuck = stuckForMs();
    if (stuck > config.SCORER_KAFKA_STUCK_MS) health.failed('kafka', `events unacknowledged for ${Math.round(stuck / 1000)} s`);
    else health.ok('kafka');
    return stuck > config.SCORER_GIVE_UP_MS ? `Kafka has not acknowledged events for more than ${config.SCORER_GIVE_UP_MS / 1000} s` : undefined;
  });
}

/**
 * The shadow model, for comparison only: a pinned version of its history, or its newest
 * version followed as the serving one is (its own update subscription). The scorer does
 * not wait for it: until it has a version, readings are scored by the serving model alone.
 */
async function shadowHolder(config: ScorerConfig, name: string, redis: RedisClient, r: Resources, logger: Logger, loaded: (version: number) => void): Promise<ModelHolder> {
  const store = new CheckpointStore(redis, name, config.REDIS_PREFIX);
  const holder = new ModelHolder((model) => {
    loaded(model.version);
    logger.info({ shadow: name, version: model.version }, 'shadow model loaded');
  });
  const pinned = config.SCORER_SHADOW_VERSION;
  if (pinned !== undefined) {
    const entry = (await store.history(10_000)).find((c) => c.version === pinned);
    if (!entry) throw new Error(`SCORER_SHADOW_VERSION=${pinned}: model "${name}" has no such version in its history`);
    holder.offer({ version: entry.version, theta: predictionTheta(entry.state), updatedAt: entry.updatedAt });
    return holder;
  }
  const subscriber = (r.shadowSubscriber = connectRedis(redisConnection(config), logger, 'scorer-shadow-updates', 0));
  await firstContact(subscriber);
  r.shadowWatcher = new ModelWatcher(store, subscriber, holder, logger, config.SCORER_POLL_MS);
  await r.shadowWatcher.start(new AbortController().signal);
  return holder;
}
