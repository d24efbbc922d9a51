import { join } from 'node:path';
import { KafkaBroker, type BrokerConfig } from '../kafka-broker.ts';
import { repoRoot } from '../paths.ts';
import type { SecureStackConfig } from '../types.ts';
import { SERVER_CERTIFICATE_SUBJECT, type TlsFiles } from './certificates.ts';
import { SECURE_HOST, kafkaSecurity } from './clients.ts';
import { PRINCIPALS, type Credentials } from './credentials.ts';

export function secureBrokerConfig(config: SecureStackConfig): BrokerConfig {
  return {
    home: config.home,
    kafkaBrokers: [`${SECURE_HOST}:${config.kafkaPort}`],
    kafkaIsLocal: true,
    kafkaControllerPort: config.kafkaControllerPort,
    kafkaLibDir: config.kafkaLibDir,
    kafkaHeap: config.kafkaHeap,
  };
}

/** What the secured broker adds to server.properties: the local stack's and the compose profile's. */
export const SECURE_BROKER_TEMPLATE = join(repoRoot(), 'infra/kafka/server-secure.properties');

/** The placeholders of SECURE_BROKER_TEMPLATE, with the TLS files where the broker finds them. */
export function secureBrokerValues(tls: Pick<TlsFiles, 'keystore' | 'ca'>, credentials: Credentials): Record<string, string> {
  return { BROKER_PASSWORD: credentials.broker, BROKER_CERTIFICATE_PRINCIPAL: SERVER_CERTIFICATE_SUBJECT, TLS_KEYSTORE: tls.keystore, TLS_CA: tls.ca };
}

/** `kafka-storage format` arguments that create every principal's SCRAM user. */
export function scramUsers(credentials: Credentials): string[] {
  return PRINCIPALS.flatMap((name) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${credentials[name]}]`]);
}

/** The broker of the secured stack: SASL_SSL, SCRAM users created when its storage is formatted, ACLs. */
export function secureBroker(config: SecureStackConfig, tls: TlsFiles, credentials: Credentials): KafkaBroker {
  return new KafkaBroker(secureBrokerConfig(config), {
    template: SECURE_BROKER_TEMPLATE,
    values: secureBrokerValues(tls, credentials),
    formatArgs: scramUsers(credentials),
    client: kafkaSecurity(tls, 'admin', credentials.admin),
    description: 'SASL_SSL, SCRAM-SHA-512, ACLs',
  });
}
