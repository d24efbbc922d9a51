import type { ErrorFacts } from './error-chain.ts';
import type { Explained, FailureContext } from './explain-failure.ts';
import { tlsLine, UNREACHABLE } from './tls-codes.ts';

/** What a service must be allowed, for a refusal that does not say what was refused. */
export interface KafkaNeeds {
  read?: string[];
  write?: string[];
  group?: string;
}

/** Why a kafkajs client failed, when it was the broker's or the configuration's doing; undefined otherwise. */
export function explainKafka(chain: ErrorFacts[], context: FailureContext): Explained | undefined {
  const kafka = context.kafka;
  const mechanism = (kafka?.mechanism ?? 'none').toUpperCase();
  const who = kafka?.user ? `user '${kafka.user}'` : 'a client without SASL credentials';
  const brokers = kafka?.brokers.join(',') ?? 'KAFKA_BROKERS';
  const find = (test: (facts: ErrorFacts) => boolean) => chain.find(test);

  if (find((f) => f.type === 'UNSUPPORTED_SASL_MECHANISM' || /mechanism is not supported/.test(f.message))) {
    return { problem: 'kafka_sasl_mechanism', line: `Kafka does not accept SASL ${mechanism} (UNSUPPORTED_SASL_MECHANISM): set KAFKA_SASL_MECHANISM to a mechanism the broker enables` };
  }
  if (find((f) => f.name === 'KafkaJSSASLAuthenticationError' || f.type === 'SASL_AUTHENTICATION_FAILED')) {
    return { problem: 'kafka_credentials', line: `Kafka refused the credentials of ${who} (SASL ${mechanism}): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD` };
  }
  const settings = { ca: 'KAFKA_SSL_CA_FILE', address: 'KAFKA_BROKERS', plaintext: 'unset KAFKA_SSL, or point KAFKA_BROKERS at its TLS listener' };
  const tls = chain.map((f) => tlsLine('Kafka', brokers, f.code, settings)).find(Boolean);
  if (tls) return { problem: 'kafka_tls', line: tls };
  const refused = authorization(chain, context);
  if (refused) {
    return { problem: 'kafka_authorization', line: `${who} may not ${refused.what} (${refused.type}): grant it, or use the right credentials in KAFKA_SASL_USERNAME` };
  }
  if (find((f) => f.name === 'KafkaJSConnectionClosedError')) {
    return {
      problem: 'kafka_connection_closed',
      line: `Kafka closed the connection at ${brokers} (KafkaJSConnectionClosedError): if its listener wants TLS or SASL, set KAFKA_SSL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    };
  }
  const unreachable = find((f) => UNREACHABLE.has(f.code ?? '') || f.message === 'Connection timeout');
  if (unreachable) {
    return { problem: 'kafka_unreachable', line: `Kafka is not reachable at ${brokers} (${unreachable.code ?? 'connection timeout'}): check KAFKA_BROKERS` };
  }
  return undefined;
}

/**
 * The refused operation. kafkajs throws a refused FindCoordinator (of a group or a transactional
 * id) as KafkaJSGroupCoordinatorNotFound and only logs its code: that refusal comes in the context.
 */
function authorization(chain: ErrorFacts[], context: FailureContext): { type: string; what: string } | undefined {
  const direct = chain.find((f) => f.type?.endsWith('_AUTHORIZATION_FAILED'))?.type;
  const hidden = chain.some((f) => f.name === 'KafkaJSGroupCoordinatorNotFound') ? context.coordinatorRefusal : undefined;
  const type = direct ?? hidden?.type;
  if (type === undefined) return undefined;
  const needs = context.needs ?? {};
  switch (type) {
    case 'TOPIC_AUTHORIZATION_FAILED':
      return { type, what: context.action ?? topicsNeeded(needs) };
    case 'GROUP_AUTHORIZATION_FAILED':
      return { type, what: `use consumer group ${hidden?.id ?? needs.group ?? '(its own)'}` };
    case 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED':
      return { type, what: `use transactional id ${hidden?.id ?? '(its own)'}` };
    case 'CLUSTER_AUTHORIZATION_FAILED':
      return { type, what: context.action ?? 'act on the cluster' };
    default:
      return { type, what: context.action ?? 'do what it asked' };
  }
}

/** "read topic a", or every topic it uses when more than one could have been refused. */
function topicsNeeded(needs: KafkaNeeds): string {
  const read = needs.read ?? [];
  const write = needs.write ?? [];
  if (read.length + write.length === 0) return 'use a topic';
  if (read.length + write.length === 1) return read.length === 1 ? `read topic ${read[0]}` : `write topic ${write[0]}`;
  return `use a topic it needs (${[read.length > 0 ? `read ${read.join(', ')}` : '', write.length > 0 ? `write ${write.join(', ')}` : ''].filter(Boolean).join('; ')})`;
}
