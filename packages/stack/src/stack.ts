import { KafkaBroker } from './kafka-broker.ts';
import { PrometheusServer } from './prometheus-server.ts';
import { RedisServer } from './redis-server.ts';
import { SecureStack } from './secure/secure-stack.ts';
import { HaStack } from './ha/ha-stack.ts';
import { stackConfig } from './config.ts';
import type { ComponentStatus, Reporter, StackConfig } from './types.ts';

export type ComponentName = 'kafka' | 'redis' | 'prometheus';

export interface StackOptions {
  /** Start Prometheus too (when installed). */
  prometheus?: boolean;
  /** The secured Kafka and Redis (TLS, SCRAM, ACLs) instead of the plain ones. */
  secure?: boolean;
  /** Three Kafka brokers, and Redis with a replica and Sentinels, instead of the plain ones. */
  ha?: boolean;
}

/** The local stack: Kafka broker, Redis and Prometheus on loopback, reusing whatever already answers. */
export class LocalStack {
  readonly kafka: KafkaBroker;
  readonly redis: RedisServer;
  readonly prometheus: PrometheusServer;
  readonly secure: SecureStack;
  readonly ha: HaStack;

  constructor(readonly config: StackConfig = stackConfig()) {
    this.kafka = new KafkaBroker(config);
    this.redis = new RedisServer(config);
    this.prometheus = PrometheusServer.forStack(config);
    this.secure = new SecureStack(config.secure);
    this.ha = new HaStack(config.ha);
  }

  async up(report: Reporter, options: StackOptions = {}): Promise<ComponentStatus[]> {
    // Independent components start side by side; the broker's first start dominates.
    const statuses = options.ha
      ? await this.ha.up(report)
      : options.secure
        ? await this.secure.up(report)
        : await Promise.all([this.kafka.up(report), this.redis.up(report)]);
    if (options.prometheus ?? true) statuses.push(await this.prometheus.up(report));
    return statuses;
  }

  /** Like up(), and says which components this call started (so a caller can stop just those). */
  async upTracked(report: Reporter, options: StackOptions = {}): Promise<{ statuses: ComponentStatus[]; started: ComponentName[] }> {
    const before = await this.status();
    const statuses = await this.up(report, options);
    const started = before
      .filter((b) => b.state === 'stopped' && statuses.some((s) => s.name === b.name && s.state === 'running'))
      .map((b) => b.name as ComponentName);
    return { statuses, started };
  }

  /** Stops the named components (those an earlier upTracked() started). */
  async downOnly(names: readonly ComponentName[], report: Reporter): Promise<void> {
    for (const name of (['prometheus', 'kafka', 'redis'] as const).filter((n) => names.includes(n))) await this[name].down(report);
  }

  /** Stops what this stack started, newest first; continues past a failing step. */
  async down(report: Reporter): Promise<void> {
    const failures: string[] = [];
    for (const component of [this.prometheus, this.kafka, this.redis, this.secure, this.ha]) {
      await component.down(report).catch((error: Error) => failures.push(error.message));
    }
    if (failures.length > 0) throw new Error(`stack down: ${failures.join('; ')}`);
  }

  async status(): Promise<ComponentStatus[]> {
    const [plain, secure, ha] = await Promise.all([
      Promise.all([this.kafka.status(), this.redis.status(), this.prometheus.status()]),
      this.secure.status(),
      this.ha.status(),
    ]);
    return [...plain, ...secure, ...ha];
  }
}
