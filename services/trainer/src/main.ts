import { lastValueFrom, Subject } from 'rxjs';
import { consumerGroups, topicsFrom, contractTopics } from '@sonar/contracts';
import { BatchingProducer, BatchSource, ConsumerLag, createConsumer, createKafka, createProducer, ensureTopics, GroupMembership } from '@sonar/kafka';
import { createLogger, createRegistry, kafkaConnection, redisConnection, redisReplication, Shutdown, startHttpServer, type RunningService } from '@sonar/runtime';
import { CheckpointStore, connectRedis } from '@sonar/store';
import { singleActiveAssigner } from './assigner.ts';
import { coreSettings, hyperparameters, loadConfig } from './config.ts';
import type { TrainerEvent } from './core/events.ts';
import { activeEpoch } from './core/state.ts';
import { TrainerCore } from './core/trainer-core.ts';
import { EffectInterpreter } from './effects/interpreter.ts';
import { trainerMetrics } from './metrics.ts';
import { trainingPipeline } from './pipeline.ts';

/** Wires config, resources and the pipeline; everything is released by one shutdown path. */
export async function runTrainer(env: NodeJS.ProcessEnv = process.env, options: { handleSignals?: boolean } = {}): Promise<RunningService> {
  const config = loadConfig(env);
  const logger = createLogger('trainer', config.LOG_LEVEL);
  const topics = topicsFrom(config);
  const groupId = consumerGroups.trainer(config.SONAR_MODEL);
  const registry = createRegistry('trainer');
  const shutdown = new Shutdown(logger, config.SHUTDOWN_GRACE_MS);
  const now = () => Date.now();
  const core = new TrainerCore(coreSettings(config, topics.readings), now);

  const kafka = createKafka(kafkaConnection(config), `sonar-trainer-${config.SONAR_MODEL}`, logger);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, contractTopics(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION));
  const producer = createProducer(kafka);
  await producer.connect();
  const batching = new BatchingProducer(producer, { lingerMs: 2 });
  const redis = connectRedis(redisConnection(config), logger, 'trainer');
  const store = new CheckpointStore(redis, config.SONAR_MODEL, config.REDIS_PREFIX, config.TRAIN_HISTORY, redisReplication(config));
  const consumer = createConsumer(kafka, {
    groupId,
    sessionTimeout: config.TRAINER_SESSION_TIMEOUT_MS,
    heartbeatInterval: config.TRAINER_HEARTBEAT_MS,
    partitionAssigners: [singleActiveAssigner(() => activeEpoch(core.state))],
    // kafkajs hands over one partition's batch at a time: small batches keep a backlog from
    // being learnt partition after partition (each a different third of the data).
    maxBytesPerPartition: config.TRAINER_FETCH_PARTITION_BYTES,
  });
  const membership = new GroupMembership(consumer, topics.readings);
  const lag = new ConsumerLag(admin, topics.readings);
  membership.assignments$.subscribe((partitions) => lag.retain(partitions));
  await consumer.connect();

  const metrics = trainerMetrics(registry, groupId, lag, () => core.state.kind);
  const source = new BatchSource(consumer, { topics: [topics.readings], fromBeginning: true });
  const feedback = new Subject<TrainerEvent>();
  const interpreter = new EffectInterpreter(
    {
      topic: topics.readings,
      modelsTopic: topics.models,
      deadLetterTopic: topics.deadLetters,
      model: config.SONAR_MODEL,
      store,
      admin,
      consumer,
      source,
      producer: batching,
      metrics,
      lag,
      logger,
    },
    (event) => feedback.next(event),
  );
  const http = await startHttpServer({
    host: config.TRAINER_HOST,
    port: config.TRAINER_PORT,
    registry,
    logger,
    // A fenced trainer that still holds partitions trains nothing: not ready until the group decides again.
    ready: () => membership.joined && core.state.kind !== 'fenced' && !shutdown.started,
  });

  const stop$ = new Subject<void>();
  const pipeline = lastValueFrom(
    trainingPipeline({
      core,
      source,
      assignments$: membership.assignments$,
      stop$,
      feedback$: feedback,
      perform: (effects) => interpreter.perform(effects),
      tickMs: config.TRAIN_BATCH_MAX_WAIT_MS > 0 ? Math.min(1000, Math.max(10, config.TRAIN_BATCH_MAX_WAIT_MS / 2)) : 1000,
    }),
    { defaultValue: undefined },
  );

  // Shutdown order: stop consuming, drain and write the final checkpoint, disconnect, quit Redis, close HTTP.
  shutdown
    .add('stop consuming', () => source.stop())
    .add('final checkpoint', () => {
      stop$.next();
      return pipeline.catch(() => undefined);
    })
    .add('stop timers', () => interpreter.close())
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
