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

/** The broker of the secured stack: SASL_SSL, SCRAM users created when its storage is formatted, ACLs. */
export function secureBroker(config: SecureStackConfig, tls: TlsFiles, credentials: Credentials): KafkaBroker {
  return new KafkaBroker(secureBrokerConfig(config), {
    template: join(repoRoot(), 'infra/kafka/server-secure.properties'),
    values: {
      BROKER_PASSWORD: credentials.broker,
      BROKER_CERTIFICATE_PRINCIPAL: SERVER_CERTIFICATE_SUBJECT,
      TLS_KEYSTORE: tls.keystore,
      TLS_CA: tls.ca,
    },
    formatArgs: PRINCIPALS.flatMap((name) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${credentials[name]}]`]),
    client: kafkaSecurity(tls, 'admin', credentials.admin),
    description: 'SASL_SSL, SCRAM-SHA-512, ACLs',
  });
}
