import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { Redis, type RedisOptions } from 'ioredis';
import { topicsEnv, topicsFrom, type Topics } from '@sonar/contracts';
import { ensureTopics } from '@sonar/kafka';
import { freePort, sonarHome, startService, type ServiceName, type ServiceProcess } from '@sonar/stack';

/** Where a scope's clients connect. */
export interface ScopeTarget {
  brokers: string[];
  redisUrl: string;
  /** TLS and SASL of the Kafka clients, for a secured broker. */
  kafkaSecurity?: Pick<KafkaConfig, 'ssl' | 'sasl'>;
  redisOptions?: RedisOptions;
  /** Where its services write their logs (default: .sonar/runs/<id>). */
  logDir?: string;
}

type Env = Record<string, string | number | boolean>;

/** Which of the run's models and topics a service uses, where not the run's own. */
export interface ServiceTarget {
  model?: string;
  topics?: Topics;
}

/** The setting of each service's HTTP port (metrics, and ingest's API). */
const PORT_SETTINGS: Record<ServiceName, string> = { ingest: 'INGEST_PORT', trainer: 'TRAINER_PORT', scorer: 'SCORER_PORT' };

/**
 * What one test or benchmark run owns: its topics, model names, Redis key prefix
 * and service processes, all named after its id and all removed by cleanup().
 */
export class RunScope {
  readonly redisPrefix: string;
  readonly model: string;
  /** The run's topics; topicsFor(name) gives it others. */
  readonly topics: Topics;
  readonly logDir: string;
  private readonly topicNames = new Set<string>();
  private readonly processes: ServiceProcess[] = [];
  private readonly deferred: (() => Promise<unknown>)[] = [];
  private spawned = 0;

  private constructor(
    readonly id: string,
    readonly target: ScopeTarget,
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly redis: Redis,
  ) {
    this.redisPrefix = `run:${id}`;
    this.model = `m-${id}`;
    this.logDir = target.logDir ?? join(sonarHome(), 'runs', id);
    this.topics = this.topicsFor('main');
  }

  /** A scope named `name` plus a random suffix, its clients connected. */
  static async open(name: string, target: ScopeTarget): Promise<RunScope> {
    const id = `${name}-${randomBytes(4).toString('hex')}`;
    const kafka = new Kafka({ clientId: `run-${id}`, brokers: target.brokers, ...target.kafkaSecurity, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const redis = new Redis(target.redisUrl, { ...target.redisOptions, maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    return new RunScope(id, target, kafka, admin, redis);
  }

  get brokers(): string[] {
    return this.target.brokers;
  }

  get redisUrl(): string {
    return this.target.redisUrl;
  }

  /** The common start of every topic name of this run. */
  get topicPrefix(): string {
    return `run.${this.id}.`;
  }

  /** Another set of topics of this run (removed by cleanup() too). */
  topicsFor(name: string): Topics {
    const base = name === 'main' ? `run.${this.id}` : `${this.topicPrefix}${name}`;
    const topics = topicsFrom({
      TOPIC_READINGS: `${base}.readings`,
      TOPIC_CLASSIFIED: `${base}.classified`,
      TOPIC_DLQ: `${base}.dlq`,
      TOPIC_MODELS: `${base}.models`,
      TOPIC_GRADIENTS: `${base}.gradients`,
    });
    for (const topic of Object.values(topics)) this.topicNames.add(topic);
    return topics;
  }

  /** The environment a service of this run runs with: its broker, Redis, prefix, model and topics. */
  env(extra: Env = {}, as: ServiceTarget = {}): Record<string, string> {
    return {
      KAFKA_BROKERS: this.brokers.join(','),
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX: this.redisPrefix,
      SONAR_MODEL: as.model ?? this.model,
      ...topicsEnv(as.topics ?? this.topics),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])),
    };
  }

  /**
   * Creates a set of topics: the readings topic with `partitions` partitions (and these topic
   * configs), the others with one; the brokers' default replication. Through ensureTopics, which
   * waits until every broker of a cluster knows them (kafkajs' waitForLeaders fails on one that does not yet).
   */
  async createTopics(partitions: number, topics: Topics = this.topics, readingsConfigs: Record<string, string> = {}): Promise<void> {
    await ensureTopics(
      this.admin,
      [topics.readings, topics.classified, topics.deadLetters, topics.models].map((topic) =>
        topic === topics.readings ? { topic, partitions, replication: -1, configs: readingsConfigs } : { topic, partitions: 1, replication: -1 },
      ),
    );
  }

  /** A topic of this run with `partitions` partitions, created now (as createTopics). */
  async createTopic(topic: string, partitions: number): Promise<string> {
    this.topicNames.add(topic);
    await ensureTopics(this.admin, [{ topic, partitions, replication: -1 }]);
    return topic;
  }

  /** `sonar <service>` as its own process, stopped by cleanup(); its log in logDir. */
  service(service: ServiceName, env: Record<string, string>, label: string = service): ServiceProcess {
    const proc = startService(service, env, join(this.logDir, `${label}-${++this.spawned}.log`), label);
    this.processes.push(proc);
    return proc;
  }

  /** `service` with this run's env, `extra` and a free port of its own for its HTTP port: the process and the port. */
  async serviceOnFreePort(service: ServiceName, extra: Env = {}, label: string = service, as: ServiceTarget = {}): Promise<{ proc: ServiceProcess; port: number }> {
    const port = await freePort();
    const proc = this.service(service, this.env({ [PORT_SETTINGS[service]]: port, ...extra }, as), label);
    return { proc, port };
  }

  /** Something else to undo at cleanup, before the topics go (last deferred, first run). */
  defer(cleanup: () => Promise<unknown>): void {
    this.deferred.push(cleanup);
  }

  /** Stops the run's processes, runs what was deferred, deletes its topics and keys, disconnects. */
  async cleanup(): Promise<void> {
    await Promise.all(this.processes.splice(0).map((p) => p.stop()));
    for (const undo of this.deferred.splice(0).reverse()) await undo().catch(() => undefined);
    const existing = new Set(await this.admin.listTopics().catch(() => [] as string[]));
    const mine = [...this.topicNames].filter((t) => existing.has(t));
    if (mine.length > 0) await this.admin.deleteTopics({ topics: mine }).catch(() => undefined);
    const keys = await this.redis.keys(`${this.redisPrefix}:*`).catch(() => [] as string[]);
    if (keys.length > 0) await this.redis.del(...keys).catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    this.redis.disconnect();
  }
}
