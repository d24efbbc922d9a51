import { lastValueFrom, Subject, type Observable } from 'rxjs';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { consumerGroups, contractTopics, gradientTopic, topicsFrom } from '@sonar/contracts';
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
  redisReplication,
  ServiceFailures,
  Shutdown,
  startHttpServer,
  type HttpServer,
  type RunningService,
} from '@sonar/runtime';
import { CheckpointStore, closeRedis, connectRedis, firstContact, probeRedis, type RedisClient } from '@sonar/store';
import { singleActiveAssigner } from './assigner.ts';
import { coreSettings, hyperparameters, loadConfig } from './config.ts';
import type { TrainerEvent } from './core/events.ts';
import { activeEpoch, type TrainerState } from './core/state.ts';
import { TrainerCore } from './core/trainer-core.ts';
import { EffectInterpreter } from './effects/interpreter.ts';
import { trainerMetrics } from './metrics.ts';
import { trainingPipeline } from './pipeline.ts';
import { runWorker } from './worker/run-worker.ts';

/** What the trainer opens, released in the order the shutdown needs; a SIGTERM during start finds some of it. */
interface Resources {
  admin?: Admin;
  producer?: Producer;
  deadLetterProducer?: Producer;
  batching?: BatchingProducer;
  redis?: RedisClient;
  consumer?: Consumer;
  membership?: GroupMembership;
  source?: BatchSource;
  interpreter?: EffectInterpreter;
  http?: HttpServer;
  stopProbe?: () => void;
  lag?: ConsumerLag;
  pipeline?: Promise<unknown>;
}

/** Wires config, resources and the pipeline; everything is released by one shutdown path. */
export async function runTrainer(env: NodeJS.ProcessEnv = process.env, options: { handleSignals?: boolean } = {}): Promise<RunningService> {
  const config = loadConfig(env);
  if (config.TRAINER_ROLE === 'worker') return runWorker(config, options);
  const logger = createLogger('trainer', config.LOG_LEVEL);
  const topics = topicsFrom(config);
  // Parallel mode's applier is this trainer on the workers' gradients instead of the readings.
  const parallel = config.TRAIN_MODE === 'parallel';
  const topic = parallel ? topics.gradients : topics.readings;
  const groupId = parallel ? consumerGroups.applier(config.SONAR_MODEL) : consumerGroups.trainer(config.SONAR_MODEL);
  const registry = createRegistry('trainer');
  const shutdown = new Shutdown(logger, config.SHUTDOWN_GRACE_MS);
  const now = () => Date.now();
  const core = new TrainerCore(coreSettings(config, topic), now);
  const health = new DependencyHealth(registry, ['redis']);
  const stop$ = new Subject<void>();
  const r: Resources = {};

  // Shutdown order: stop consuming, drain and write the final checkpoint, disconnect, quit Redis, close HTTP.
  // Registered before anything opens, so a signal during start releases what is open by then.
  shutdown
    .add('stop consuming', () => r.source?.stop())
    .add('final checkpoint', () => {
      stop$.next();
      return r.pipeline?.catch(() => undefined);
    })
    .add('stop timers', () => {
      r.interpreter?.close();
      r.stopProbe?.();
      r.lag?.stop();
    })
    .add('disconnect consumer', () => r.membership?.disconnect())
    .add('flush producer', () => r.batching?.flush())
    .add('disconnect producers', () => Promise.all([r.producer?.disconnect(), r.deadLetterProducer?.disconnect()]))
    .add('disconnect admin', () => r.admin?.disconnect())
    .add('quit redis', () => closeRedis(r.redis))
    .add('close http', () => r.http?.close());
  if (options.handleSignals) shutdown.onSignals();

  const connection = kafkaConnection(config);
  const refusals = new CoordinatorRefusals();
  const failures = new ServiceFailures(logger, config, { read: [topic], write: [topics.models, topics.deadLetters], group: groupId }, refusals);

  try {
    const kafka = createKafka(connection, `sonar-trainer-${config.SONAR_MODEL}`, logger, refusals);
    const admin = (r.admin = kafka.admin());
    const contract = contractTopics(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION);
    await connectAdmin(admin, connection, parallel ? [...contract, gradientTopic(topics, config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION)] : contract);
    const producer = (r.producer = createProducer(kafka));
    const deadLetterProducer = (r.deadLetterProducer = createProducer(kafka, undefined, 'bounded'));
    await Promise.all([producer.connect(), deadLetterProducer.connect()]);
    const batching = (r.batching = new BatchingProducer(producer, { lingerMs: 2 }));
    const redis = (r.redis = connectRedis(redisConnection(config), logger, 'trainer', config.REDIS_COMMAND_TIMEOUT_MS));
    await firstContact(redis);
    r.stopProbe = probeRedis(redis, health);
    const store = new CheckpointStore(redis, config.SONAR_MODEL, config.REDIS_PREFIX, config.TRAIN_HISTORY, redisReplication(config));
    const consumer = (r.consumer = createConsumer(kafka, {
      groupId,
      sessionTimeout: config.TRAINER_SESSION_TIMEOUT_MS,
      heartbeatInterval: config.TRAINER_HEARTBEAT_MS,
      partitionAssigners: [singleActiveAssigner(() => activeEpoch(core.state))],
      // kafkajs hands over one partition's batch at a time: small batches keep a backlog from
      // being learnt partition after partition (each a different third of the data).
      maxBytesPerPartition: config.TRAINER_FETCH_PARTITION_BYTES,
    }));
    const membership = (r.membership = new GroupMembership(consumer, topic));
    const lag = (r.lag = new ConsumerLag(admin, topic).start());
    membership.assignments$.subscribe((partitions) => lag.retain(partitions));
    await consumer.connect();

    const metrics = trainerMetrics(registry, groupId, lag, () => core.state.kind);
    const source = (r.source = new BatchSource(consumer, { topics: [topic], fromBeginning: true, prefetch: config.TRAINER_PREFETCH_BATCHES }));
    const feedback = new Subject<TrainerEvent>();
    const interpreter = (r.interpreter = new EffectInterpreter(
      {
        topic,
        modelsTopic: topics.models,
        deadLetterTopic: topics.deadLetters,
        deadLetterLimits: deadLetterLimits(config),
        model: config.SONAR_MODEL,
        store,
        admin,
        source,
        producer: batching,
        deadLetters: new RefusableSender(deadLetterProducer),
        metrics,
        lag,
        logger,
      },
      (event) => feedback.next(event),
    ));
    r.http = await startHttpServer({
      host: config.TRAINER_HOST,
      port: config.TRAINER_PORT,
      registry,
      logger,
      notReady: () => {
        if (shutdown.started) return 'shutting down';
        if (!membership.joined) return 'not joined to the consumer group (yet)';
        // A fenced trainer that still holds partitions trains nothing: not ready until the group decides again.
        if (core.state.kind === 'fenced') return 'fenced: another trainer holds a newer epoch';
        if (core.state.kind === 'resuming' && core.state.problem) return core.state.problem;
        return health.problem();
      },
    });

    r.pipeline = lastValueFrom(
      trainingPipeline({
        core,
        source,
        assignments$: membership.assignments$,
        stop$,
        feedback$: feedback,
        failures$: giveUpWhenStuck(health, () => core.state, config.TRAINER_GIVE_UP_MS),
        perform: (effects) => interpreter.perform(effects),
        tickMs: config.TRAIN_BATCH_MAX_WAIT_MS > 0 ? Math.min(1000, Math.max(10, config.TRAIN_BATCH_MAX_WAIT_MS / 2)) : 1000,
      }),
      { defaultValue: undefined },
    );

    const failed = r.pipeline.catch(async (error: unknown) => {
      const fatal = failures.report(error, 'training pipeline failed');
      await shutdown.run('pipeline failed').catch(() => undefined);
      throw fatal;
    });
    logger.info({ model: config.SONAR_MODEL, topic, group: groupId, hyperparameters: hyperparameters(config) }, parallel ? 'gradient applier started' : 'trainer started');
    return {
      port: r.http.port,
      done: failed.then(() => shutdown.run('pipeline completed')),
      stop: (reason = 'stop requested') => shutdown.run(reason),
    };
  } catch (error) {
    throw await failedStart(error, shutdown, (cause) => failures.report(cause, 'trainer failed to start'));
  }
}

/**
 * A trainer that holds partitions but cannot reach Redis for this long gives them up
 * (the pipeline fails, the process exits non-zero) so that a standby, or a restart by
 * its supervisor, can take over. Emits nothing otherwise.
 */
function giveUpWhenStuck(health: DependencyHealth, state: () => TrainerState, boundMs: number): Observable<never> {
  return giveUpPartitionsWhen(() =>
    ['active', 'resuming', 'fenced'].includes(state().kind) && health.downForMs('redis') > boundMs
      ? `Redis has been down or stuck for more than ${boundMs / 1000} s (${health.problem() ?? ''})`
      : undefined,
  );
}
