import { hostname } from 'node:os';
import { lastValueFrom, Subject, type Observable } from 'rxjs';
import type { Admin, Consumer } from 'kafkajs';
import { consumerGroups, contractTopics, gradientTopic, topicsFrom } from '@sonar/contracts';
import { BatchSource, connectAdmin, ConsumerLag, CoordinatorRefusals, createConsumer, createKafka, giveUpPartitionsWhen, GroupMembership, PartitionTransactions } from '@sonar/kafka';
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
  type RunningService,
} from '@sonar/runtime';
import { CheckpointStore, closeRedis, connectRedis, firstContact, ModelHolder, ModelWatcher, probeRedis, type RedisClient } from '@sonar/store';
import type { TrainerConfig } from '../config.ts';
import { GradientWorker } from './gradient-worker.ts';
import { workerMetrics } from './worker-metrics.ts';
import { workerPipeline } from './worker-pipeline.ts';

/** What the worker opens, released in the order the shutdown needs. */
interface Resources {
  admin?: Admin;
  redis?: RedisClient;
  subscriber?: RedisClient;
  watcher?: ModelWatcher;
  consumer?: Consumer;
  membership?: GroupMembership;
  source?: BatchSource;
  transactions?: PartitionTransactions;
  worker?: GradientWorker;
  http?: HttpServer;
  stopProbe?: () => void;
  lag?: ConsumerLag;
  pipeline?: Promise<unknown>;
}

/** A parallel-mode gradient worker (`sonar trainer --role worker`): wires config, resources and the pipeline; one shutdown path. */
export async function runWorker(config: TrainerConfig, options: { handleSignals?: boolean } = {}): Promise<RunningService> {
  const logger = createLogger('trainer-worker', config.LOG_LEVEL);
  const topics = topicsFrom(config);
  const groupId = consumerGroups.worker(config.SONAR_MODEL);
  const registry = createRegistry('trainer-worker');
  const shutdown = new Shutdown(logger, config.SHUTDOWN_GRACE_MS);
  const health = new DependencyHealth(registry, ['redis']);
  const workerId = config.TRAINER_WORKER_ID ?? `${hostname()}-${process.pid}`;
  const stop$ = new Subject<void>();
  const r: Resources = {};

  shutdown
    .add('stop consuming', () => {
      r.worker?.stop();
      r.source?.stop();
    })
    .add('drain the pipeline', () => {
      stop$.next();
      return r.pipeline?.catch(() => undefined);
    })
    .add('disconnect consumer', () => r.membership?.disconnect())
    .add('close transactions', () => r.transactions?.close())
    .add('stop model updates', async () => {
      r.stopProbe?.();
      r.lag?.stop();
      await r.watcher?.stop();
    })
    .add('disconnect admin', () => r.admin?.disconnect())
    .add('quit redis', () => Promise.all([closeRedis(r.redis), closeRedis(r.subscriber)]))
    .add('close http', () => r.http?.close());
  if (options.handleSignals) shutdown.onSignals();

  const connection = kafkaConnection(config);
  const refusals = new CoordinatorRefusals();
  const failures = new ServiceFailures(logger, config, { read: [topics.readings], write: [topics.gradients, topics.deadLetters], group: groupId }, refusals);

  try {
    const kafka = createKafka(connection, `sonar-worker-${config.SONAR_MODEL}`, logger, refusals);
    const admin = (r.admin = kafka.admin());
    await connectAdmin(admin, connection, [
      ...contractTopics(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION),
      gradientTopic(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION),
    ]);
    const redis = (r.redis = connectRedis(redisConnection(config), logger, 'trainer-worker', config.REDIS_COMMAND_TIMEOUT_MS));
    // Subscribed connections wait for messages: no command timeout there.
    const subscriber = (r.subscriber = connectRedis(redisConnection(config), logger, 'trainer-worker-updates', 0));
    // Both ready before the watcher subscribes: a connection in subscriber mode takes no ready check.
    await Promise.all([firstContact(redis), firstContact(subscriber)]);
    r.stopProbe = probeRedis(redis, health);
    const store = new CheckpointStore(redis, config.SONAR_MODEL, config.REDIS_PREFIX);
    const holder = new ModelHolder((model, previous) => logger.debug({ version: model.version, previous }, 'computing gradients at a newer model'));
    const watcher = (r.watcher = new ModelWatcher(store, subscriber, holder, logger, 1000));
    const consumer = (r.consumer = createConsumer(kafka, {
      groupId,
      sessionTimeout: config.TRAINER_SESSION_TIMEOUT_MS,
      heartbeatInterval: config.TRAINER_HEARTBEAT_MS,
      maxBytesPerPartition: config.TRAINER_FETCH_PARTITION_BYTES,
    }));
    const membership = (r.membership = new GroupMembership(consumer, topics.readings));
    const lag = (r.lag = new ConsumerLag(admin, topics.readings).start());
    const metrics = workerMetrics(registry, groupId, lag, holder);
    const source = (r.source = new BatchSource(consumer, { topics: [topics.readings], fromBeginning: true, prefetch: config.TRAINER_PREFETCH_BATCHES }));
    const transactions = (r.transactions = new PartitionTransactions(kafka, admin, groupId, groupId));
    const worker = (r.worker = new GradientWorker({
      settings: {
        model: config.SONAR_MODEL,
        worker: workerId,
        batchSize: config.TRAIN_BATCH_SIZE,
        maxWaitMs: config.TRAIN_BATCH_MAX_WAIT_MS,
        dedupWindow: config.TRAIN_DEDUP_WINDOW,
        maxReadingBytes: config.MAX_READING_BYTES,
        maxStaleness: config.TRAIN_MAX_STALENESS,
        ahead: config.TRAIN_WORKER_AHEAD,
      },
      readingsTopic: topics.readings,
      gradientsTopic: topics.gradients,
      deadLetterTopic: topics.deadLetters,
      deadLetterLimits: deadLetterLimits(config),
      admin,
      source,
      transactions,
      holder,
      metrics,
      lag,
      logger,
      now: () => Date.now(),
    }));
    await consumer.connect();
    await watcher.start(new AbortController().signal);

    r.http = await startHttpServer({
      host: config.TRAINER_HOST,
      port: config.TRAINER_PORT,
      registry,
      logger,
      notReady: () => {
        if (shutdown.started) return 'shutting down';
        if (!membership.joined) return 'not joined to the consumer group (yet)';
        return health.problem();
      },
    });

    r.pipeline = lastValueFrom(
      workerPipeline({
        worker,
        source,
        assignments$: membership.assignments$,
        stop$,
        failures$: giveUpWhenFailing(transactions, config.TRAINER_GIVE_UP_MS),
        tickMs: config.TRAIN_BATCH_MAX_WAIT_MS > 0 ? Math.min(1000, Math.max(10, config.TRAIN_BATCH_MAX_WAIT_MS / 2)) : 1000,
      }),
      { defaultValue: undefined },
    );
    const failed = r.pipeline.catch(async (error: unknown) => {
      const fatal = failures.report(error, 'worker pipeline failed');
      await shutdown.run('pipeline failed').catch(() => undefined);
      throw fatal;
    });
    logger.info(
      { model: config.SONAR_MODEL, worker: workerId, topic: topics.readings, gradients: topics.gradients, group: groupId, maxStaleness: config.TRAIN_MAX_STALENESS, ahead: config.TRAIN_WORKER_AHEAD },
      'gradient worker started',
    );
    return {
      port: r.http.port,
      done: failed.then(() => shutdown.run('pipeline completed')),
      stop: (reason = 'stop requested') => shutdown.run(reason),
    };
  } catch (error) {
    throw await failedStart(error, shutdown, (cause) => failures.report(cause, 'worker failed to start'));
  }
}

/** Transactions failing this long (Kafka away, the gradient topic refusing): the worker gives its partitions up and exits non-zero. */
function giveUpWhenFailing(transactions: PartitionTransactions, boundMs: number): Observable<never> {
  return giveUpPartitionsWhen(() => (transactions.failingForMs() > boundMs ? `Kafka transactions have failed for more than ${boundMs / 1000} s` : undefined));
}
