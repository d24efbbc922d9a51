import { errorChain } from './error-chain.ts';
import { explainKafka, type KafkaNeeds } from './kafka-failure.ts';
import { explainRedis } from './redis-failure.ts';

/** One line for an operator: the problem, then the setting to fix. Never a secret. */
export interface Explained {
  /** Stable, for logs and tests: kafka_credentials, kafka_tls, redis_permission, ... */
  problem: string;
  line: string;
}

/** Who the service is and what it needs: what the errors themselves do not say. */
export interface FailureContext {
  kafka?: { brokers: string[]; user?: string | undefined; mechanism?: string | undefined };
  redis?: { url: string };
  needs?: KafkaNeeds;
  /** What was being done, when known: "write topic sonar.readings". */
  action?: string;
  /** FindCoordinator's refusal, which kafkajs only logs (see @sonar/kafka's CoordinatorRefusals). */
  coordinatorRefusal?: { type: string; id: string } | undefined;
}

/**
 * A failure of a Kafka or Redis client that a retry will not mend (credentials, certificates,
 * ACLs) or that the configuration explains, as one line; undefined for anything else.
 */
export function explainFailure(error: unknown, context: FailureContext = {}): Explained | undefined {
  // Explained already, where more was known than here.
  if (error instanceof ExplainedFailure) return error.explained;
  const chain = errorChain(error);
  const kafkajs = chain.some((f) => f.name.startsWith('KafkaJS') || f.name === KAFKA_TLS_ERROR);
  return kafkajs ? explainKafka(chain, context) : explainRedis(chain, context);
}

/** A server that is not there, or not yet: a retry may find it. Every other explained problem is a refusal. */
const NOT_THERE = new Set(['kafka_unreachable', 'kafka_connection_closed', 'redis_unreachable']);

/** A refusal no retry mends (credentials, certificate, ACL), explained; undefined for anything else, a server not there included. */
export function explainRefusal(error: unknown, context: FailureContext = {}): Explained | undefined {
  const explained = explainFailure(error, context);
  return explained && !NOT_THERE.has(explained.problem) ? explained : undefined;
}

/** The name of the TLS check's error (see @sonar/kafka's checkBrokerTls): a Kafka failure. */
export const KAFKA_TLS_ERROR = 'KafkaTlsError';

/** An error whose message is its explanation: what `sonar <service>` prints and exits with. */
export class ExplainedFailure extends Error {
  readonly code = 'SONAR_REFUSED';
  constructor(
    readonly explained: Explained,
    cause: unknown,
  ) {
    super(explained.line, { cause });
    this.name = 'ExplainedFailure';
  }
}
