import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaBroker } from '../kafka-broker.ts';
import { RedisServer } from '../redis-server.ts';
import type { KafkaSecurity } from '../probes.ts';
import type { ComponentStatus, Reporter, SecureStackConfig } from '../types.ts';
import { ensureCertificates, tlsFiles, type TlsFiles } from './certificates.ts';
import { SECURE_HOST, kafkaSecurity, redisTlsOptions, secureRedisUrl } from './clients.ts';
import { CredentialsFile, PRINCIPALS, type Credentials, type Principal } from './credentials.ts';
import { provisionDeployment } from './kafka-acls.ts';
import { secureBroker, secureBrokerConfig } from './secure-broker.ts';
import { secureRedis, secureRedisConfig, writeSecureRedisConfig } from './secure-redis.ts';

/** Whose environment `sonar stack env --secure` prints: a service's, or the operator's (admin). */
export const SECURE_SERVICES = ['ingest', 'trainer', 'scorer', 'admin'] as const;
export type SecureService = (typeof SECURE_SERVICES)[number];

/**
 * Kafka (SASL_SSL, SCRAM-SHA-512, ACLs per service) and Redis (TLS, ACL users) on loopback,
 * with a local CA and generated passwords in their own folder of the stack home.
 */
export class SecureStack {
  readonly credentials: CredentialsFile;
  readonly tls: TlsFiles;
  readonly brokers: string[];

  constructor(readonly config: SecureStackConfig) {
    this.credentials = new CredentialsFile(join(config.home, 'credentials.json'));
    this.tls = tlsFiles(join(config.home, 'tls'));
    this.brokers = [`${SECURE_HOST}:${config.kafkaPort}`];
  }

  async up(report: Reporter): Promise<ComponentStatus[]> {
    mkdirSync(this.config.home, { recursive: true, mode: 0o700 });
    await ensureCertificates(join(this.config.home, 'tls'), report);
    const credentials = this.ensureCredentials(report);
    const kafka = secureBroker(this.config, this.tls, credentials);
    writeSecureRedisConfig(this.config, this.tls, credentials);
    const redis = secureRedis(this.config, this.tls, credentials);
    const statuses = await Promise.all([kafka.up(report), redis.up(report)]);
    await this.provision(credentials);
    report(`kafka: topics and ACLs of ingest, trainer and scorer in place; their settings: sonar stack env --secure --service NAME`);
    return named(statuses);
  }

  async down(report: Reporter): Promise<void> {
    // Stopping needs only the pid files, no credentials.
    await new KafkaBroker(secureBrokerConfig(this.config)).down(report);
    await new RedisServer(secureRedisConfig(this.config)).down(report);
  }

  /** Nothing until the secured stack was first brought up, so the plain stack's status stays as it was. */
  async status(): Promise<ComponentStatus[]> {
    if (!this.credentials.exists || !existsSync(this.tls.ca)) return [];
    const credentials = this.credentials.read();
    return named(
      await Promise.all([secureBroker(this.config, this.tls, credentials).status(), secureRedis(this.config, this.tls, credentials).status()]),
    );
  }

  /** kafkajs settings of a principal. */
  kafkaClient(principal: Principal): KafkaSecurity & { brokers: string[] } {
    return { brokers: this.brokers, ...kafkaSecurity(this.tls, principal, this.credentials.read()[principal]) };
  }

  /** A Redis user's URL; pass redisOptions() too (the CA). */
  redisUrl(user: 'admin' | 'trainer' | 'scorer'): string {
    return secureRedisUrl(this.config.redisPort, user, this.credentials.read()[user]);
  }

  redisOptions() {
    return redisTlsOptions(this.tls);
  }

  /** The connection settings of a service, as its environment (holds its password). */
  serviceEnv(service: SecureService): Record<string, string> {
    const password = this.credentials.read()[service];
    return {
      KAFKA_BROKERS: this.brokers.join(','),
      KAFKA_SSL: 'true',
      // The stack's CA only, rather than Node's CAs plus it (NODE_EXTRA_CA_CERTS works too).
      KAFKA_SSL_CA_FILE: this.tls.ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: service,
      KAFKA_SASL_PASSWORD: password,
      // Ingest does not use Redis.
      ...(service === 'ingest' ? {} : { REDIS_URL: this.redisUrl(service), REDIS_TLS_CA_FILE: this.tls.ca }),
    };
  }

  private ensureCredentials(report: Reporter): Credentials {
    if (this.credentials.exists) return this.credentials.read();
    const formatted = join(this.config.home, 'kafka', 'data', 'meta.properties');
    if (existsSync(formatted)) {
      throw new Error(`the secured broker's storage knows passwords that ${this.credentials.path} no longer holds: remove ${this.config.home} to start afresh`);
    }
    report(`credentials: generated for ${PRINCIPALS.join(', ')} in ${this.credentials.path} (mode 0600)`);
    return this.credentials.create();
  }

  /** The deployment's topics and the service ACLs on them, created as admin (services may not create topics). */
  private async provision(credentials: Credentials): Promise<void> {
    const kafka = new Kafka({ clientId: 'sonar-stack', brokers: this.brokers, ...kafkaSecurity(this.tls, 'admin', credentials.admin), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await provisionDeployment(admin, this.config.topics, this.config.topicPartitions, this.config.topicReplication);
    } finally {
      await admin.disconnect();
    }
  }
}

/** Told apart from the plain stack's components in `sonar stack status`. */
function named(statuses: ComponentStatus[]): ComponentStatus[] {
  return statuses.map((status) => ({ ...status, name: `${status.name} (secure)` }));
}
