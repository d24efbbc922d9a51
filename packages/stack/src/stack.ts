import { KafkaBroker } from './kafka-broker.ts';
import { PrometheusServer } from './prometheus-server.ts';
import { RedisServer } from './redis-server.ts';
import { stackConfig } from './config.ts';
import type { ComponentStatus, Reporter, StackConfig } from './types.ts';

export interface StackOptions {
  /** Start Prometheus too (when installed). */
  prometheus?: boolean;
}

/** The local stack: Kafka broker, Redis and Prometheus on loopback, reusing whatever already answers. */
export class LocalStack {
  readonly kafka: KafkaBroker;
  readonly redis: RedisServer;
  readonly prometheus: PrometheusServer;

  constructor(readonly config: StackConfig = stackConfig()) {
    this.kafka = new KafkaBroker(config);
    this.redis = new RedisServer(config);
    this.prometheus = PrometheusServer.forStack(config);
  }

  async up(report: Reporter, options: StackOptions = {}): Promise<ComponentStatus[]> {
    // Independent components start side by side; the broker's first start dominates.
    const [kafka, redis] = await Promise.all([this.kafka.up(report), this.redis.up(report)]);
    const statuses = [kafka, redis];
    if (options.prometheus ?? true) statuses.push(await this.prometheus.up(report));
    return statuses;
  }

  /** Stops what this stack started, newest first; continues past a failing step. */
  async down(report: Reporter): Promise<void> {
    const failures: string[] = [];
    for (const component of [this.prometheus, this.kafka, this.redis]) {
      await component.down(report).catch((error: Error) => failures.push(error.message));
    }
    if (failures.length > 0) throw new Error(`stack down: ${failures.join('; ')}`);
  }

  status(): Promise<ComponentStatus[]> {
    return Promise.all([this.kafka.status(), this.redis.status(), this.prometheus.status()]);
  }
}
