import { existsSync, readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { contractTopics } from '@sonar/contracts';
import { ensureTopics } from '@sonar/kafka';
import type { KafkaBroker } from '../kafka-broker.ts';
import { eventually } from '@sonar/runtime';
import { kafkaAnswers } from '../probes.ts';
import type { RedisServer } from '../redis-server.ts';
import type { ComponentStatus, HaStackConfig, Reporter } from '../types.ts';
import { HA_HOST, haBrokerAddresses, haBrokers } from './ha-kafka.ts';
import { haRedisNodes, haSentinels, writeRedisConfigs } from './ha-redis.ts';
import { haStatus } from './ha-status.ts';
import { ensureLayout, layoutFile, type HaLayout } from './layout.ts';
import { sentinelView, sentinelsReady } from './sentinel-probes.ts';

/** The stack's topics: on all three brokers, and acks=all needs two in sync (as the brokers' defaults say). */
export const HA_REPLICATION = 3;
export const HA_MIN_INSYNC_REPLICAS = 2;

/** Whose settings `sonar stack env --ha` prints (as for the secured stack). */
export type HaService = 'ingest' | 'trainer' | 'scorer' | 'admin';

/**
 * Kafka as three KRaft nodes (each a broker and a controller, one quorum), Redis as a primary,
 * a replica and three Sentinels, all on loopback, in their own folder of the stack home.
 */
export class HaStack {
  readonly brokers: string[];
  readonly sentinels: string[];

  constructor(readonly config: HaStackConfig) {
    this.brokers = haBrokerAddresses(config);
    this.sentinels = config.sentinelPorts.map((port) => `${HA_HOST}:${port}`);
  }

  async up(report: Reporter): Promise<ComponentStatus[]> {
    const layout = ensureLayout(this.config);
    const kafka = haBrokers(this.config, layout.clusterId);
    writeRedisConfigs(this.config);
    // Once, before three nodes start side by side on the same jars.
    await kafka[0]!.ensureJars(report);
    const started = Date.now();
    await Promise.all([...kafka.map((node) => node.up(report)), this.redisUp(report)]);
    await eventually(() => kafkaAnswers(this.brokers, 3000, {}, kafka.length), 120_000, `kafka cluster (${kafka.length} brokers registered)`);
    await this.provision();
    report(`ha: ${kafka.length} brokers registered, Sentinels agree on the primary, topics in place, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return this.status();
  }

  private async redisUp(report: Reporter): Promise<void> {
    await Promise.all([...haRedisNodes(this.config), ...haSentinels(this.config)].map((server) => server.up(report)));
    await eventually(() => sentinelsReady(this.config.sentinelPorts, this.config.redisPorts, this.config.sentinelName), 60_000, 'redis sentinels (agreeing on the primary, its replica and each other)');
  }

  /** Stops every process; continues past a failing step. Stopping needs only the pid files. */
  async down(report: Reporter): Promise<void> {
    const failures: string[] = [];
    const stop = (servers: { down(report: Reporter): Promise<void> }[]) =>
      Promise.all(servers.map((server) => server.down(report).catch((error: Error) => failures.push(error.message))));
    // The Sentinels first: a primary stopped under their watch would be failed over.
    await stop(haSentinels(this.config));
    await stop(haRedisNodes(this.config));
    await stop(haBrokers(this.config, ''));
    if (failures.length > 0) throw new Error(`ha stack down: ${failures.join('; ')}`);
  }

  /** Nothing until the HA stack was first brought up; then every process, on the ports it was made with. */
  async status(): Promise<ComponentStatus[]> {
    const layout = this.layout();
    return layout ? haStatus({ ...this.config, ...layout.ports }) : [];
  }

  /** The brokers, node 1 first: to stop, kill or start one alone (up() starts whichever is not running). */
  kafkaNodes(): KafkaBroker[] {
    const layout = this.layout();
    if (!layout) throw new Error(`no HA stack in ${this.config.home} yet: bring it up first`);
    return haBrokers(this.config, layout.clusterId);
  }

  /** The Redis data nodes in the order of the ports; which is the primary is the Sentinels' call (primary()). */
  redisNodes(): RedisServer[] {
    return haRedisNodes(this.config);
  }

  private layout(): HaLayout | undefined {
    const file = layoutFile(this.config);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HaLayout) : undefined;
  }

  /** The primary's address as the first Sentinel that answers reports it. */
  async primary(): Promise<string | undefined> {
    for (const port of this.config.sentinelPorts) {
      const view = await sentinelView(port, this.config.sentinelName);
      if (view) return view.primary;
    }
    return undefined;
  }

  /**
   * A service's connection settings: every broker, topics it creates replicated like the stack's,
   * Redis through the Sentinels, and the trainer's checkpoints acknowledged by the replica.
   * The operator's commands (produce, tail, model) talk to one Redis: the primary now.
   */
  async serviceEnv(service: HaService): Promise<Record<string, string>> {
    const kafka = { KAFKA_BROKERS: this.brokers.join(','), TOPIC_REPLICATION: String(HA_REPLICATION) };
    const sentinels = { REDIS_SENTINELS: this.sentinels.join(','), REDIS_SENTINEL_NAME: this.config.sentinelName };
    switch (service) {
      case 'ingest':
        return kafka;
      case 'trainer':
        return { ...kafka, ...sentinels, REDIS_WAIT_REPLICAS: '1' };
      case 'scorer':
        return { ...kafka, ...sentinels };
      case 'admin': {
        const primary = await this.primary();
        if (!primary) throw new Error(`no Sentinel answers at ${this.sentinels.join(',')}: is the HA stack up?`);
        return { ...kafka, REDIS_URL: `redis://${primary}` };
      }
    }
  }

  /** The deployment's topics, three replicas each and two in sync for acks=all. */
  private async provision(): Promise<void> {
    const kafka = new Kafka({ clientId: 'sonar-stack', brokers: this.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const specs = contractTopics(this.config.topics, this.config.topicPartitions, HA_REPLICATION).map((spec) => ({
        ...spec,
        configs: { ...spec.configs, 'min.insync.replicas': String(HA_MIN_INSYNC_REPLICAS) },
      }));
      await ensureTopics(admin, specs);
    } finally {
      await admin.disconnect();
    }
  }
}
