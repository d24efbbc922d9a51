import { lastValueFrom } from 'rxjs';
import { consumerGroups, topicsFrom } from '@sonar/contracts';
import { BatchingProducer, BatchSource, ConsumerLag, contractTopics, createConsumer, createKafka, createProducer, ensureTopics } from '@sonar/kafka';
import { createLogger, createRegistry, kafkaConnection, Shutdown, startHttpServer, type RunningService } from '@sonar/runtime';
import { CheckpointStore, connectRedis } from '@sonar/store';
import { singleActiveAssigner } from './assigner.ts';
import { hyperparameters, loadConfig } from './config.ts';
import { trainerMetrics } from './metrics.ts';
import { trainingPipeline } from './pipeline.ts';
import { TrainingSession } from './session.ts';
import { Checkpointer } from './stages/checkpoint.ts';
import type { LearnerSettings } from './learner/learner.ts';

/** Wires config, resources and the pipeline; everything is released by one shutdown path. */
export async function runTrainer(env: NodeJS.ProcessEnv = process.env, options: { handleSignals?: boolean } = {}): Promise<RunningService> {
  const config = loadConfig(env);
  const logger = createLogger('trainer', config.LOG_LEVEL);
  const topics = topicsFrom(config);
  const groupId = consumerGroups.trainer(config.SONAR_MODEL);
  const registry = createRegistry('trainer');
  const shutdown = new Shutdown(logger, config.SHUTDOWN_GRACE_MS);
  const session = new TrainingSession();
  const now = () => Date.now();
  let joined = false;

  const kafka = createKafka(kafkaConnection(config), `sonar-trainer-${config.SONAR_MODEL}`, logger);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, contractTopics(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION));
  const producer = createProducer(kafka);
  await producer.connect();
  const batching = new BatchingProducer(producer, { lingerMs: 2 });
  const redis = connectRedis(config.REDIS_URL, logger, 'trainer');
  const store = new CheckpointStore(redis, config.SONAR_MODEL, config.REDIS_PREFIX, config.TRAIN_HISTORY);
  const consumer = createConsumer(kafka, {
    groupId,
    sessionTimeout: config.TRAINER_SESSION_TIMEOUT_MS,
    heartbeatInterval: config.TRAINER_HEARTBEAT_MS,
    partitionAssigners: [singleActiveAssigner(() => (session.active ? (session.epoch ?? 0) : 0))],
    // kafkajs hands over one partition's batch at a time: small batches keep a backlog from
    // being learnt partition after partition (each a different third of the data).
    maxBytesPerPartition: config.TRAINER_FETCH_PARTITION_BYTES,
  });
  const lag = new ConsumerLag(admin, topics.readings);
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    const partitions = payload.memberAssignment[topics.readings] ?? [];
    lag.retain(partitions);
    session.assigned(partitions);
  });
  // Until kafkajs has restarted the consumer and it has joined again, the trainer is not ready.
  consumer.on(consumer.events.CRASH, () => (joined = false));
  await consumer.connect();

  const metrics = trainerMetrics(registry, groupId, lag);
  const source = new BatchSource(consumer, { topics: [topics.readings], fromBeginning: true });
  const settings: LearnerSettings = {
    batchSize: config.TRAIN_BATCH_SIZE,
    maxWaitMs: config.TRAIN_BATCH_MAX_WAIT_MS,
    optimizer: config.optimizer,
    costLimit: config.TRAIN_COST_LIMIT,
    accuracyWindow: config.TRAIN_ACCURACY_WINDOW,
  };
  const checkpointer = new Checkpointer({
    model: config.SONAR_MODEL,
    topic: topics.readings,
    modelsTopic: topics.models,
    every: config.TRAIN_CHECKPOINT_EVERY,
    intervalMs: config.TRAIN_CHECKPOINT_INTERVAL_MS,
    hyperparameters: hyperparameters(config),
    session,
    store,
    producer: batching,
    consumer,
    metrics,
    logger,
    now,
  });
  const http = await startHttpServer({
    host: config.TRAINER_HOST,
    port: config.TRAINER_PORT,
    registry,
    logger,
    ready: () => joined && !shutdown.started,
  });

  const pipeline = lastValueFrom(
    trainingPipeline({
      source,
      resume: {
        topic: topics.readings,
        session,
        store,
        admin,
        consumer,
        settings,
        logger,
        now,
        onResumed: (learner) => {
          metrics.version.set(learner.version);
          metrics.samples.set(learner.samples);
        },
      },
      checkpointer,
      producer: batching,
      deadLetterTopic: topics.deadLetters,
      maxReadingBytes: config.MAX_READING_BYTES,
      metrics,
      lag,
      logger,
      now,
      tickMs: config.TRAIN_BATCH_MAX_WAIT_MS > 0 ? Math.min(1000, Math.max(10, config.TRAIN_BATCH_MAX_WAIT_MS / 2)) : 1000,
    }),
    { defaultValue: undefined },
  );

  // Shutdown order: stop consuming, drain, final checkpoint, commit, disconnect, quit Redis, close HTTP.
  shutdown
    .add('stop consuming', () => source.stop())
    .add('drain the pipeline', () => pipeline.catch(() => undefined))
    .add('final checkpoint', async () => {
      if (checkpointer.pending) await checkpointer.write('shutdown');
    })
    .add('disconnect consumer', () => consumer.disconnect())
    .add('flush producer', () => batching.flush())
    .add('disconnect producer', () => producer.disconnect())
    .add('disconnect admin', () => admin.disconnect())
    .add('quit redis', () => redis.quit())
    .add('close http', () => http.close());
  if (options.handleSignals) shutdown.onSignals();

  const failed = pipeline.catch(async (error: unknown) => {
    logger.fatal({ err: error }, 'training pipeline failed');
    await shutdown.run('pipeline failed').catch(() => undefined);
    throw error;
  });
  logger.info({ model: config.SONAR_MODEL, topic: topics.readings, group: groupId, hyperparameters: hyperparameters(config) }, 'trainer started');
  return {
    port: http.port,
    done: failed.then(() => shutdown.run('pipeline completed')),
    stop: (reason = 'stop requested') => shutdown.run(reason),
  };
}
