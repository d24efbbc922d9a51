import type { LogEntry } from 'kafkajs';

export interface CoordinatorRefusal {
  /** GROUP_AUTHORIZATION_FAILED or TRANSACTIONAL_ID_AUTHORIZATION_FAILED. */
  type: string;
  /** The consumer group or transactional id. */
  id: string;
}

/**
 * What kafkajs only logs: when the broker refuses FindCoordinator for a group or a transactional
 * id it lacks the ACL of, kafkajs throws KafkaJSGroupCoordinatorNotFound, and the refusal's code is
 * in its debug entry "Tried to find group coordinator" alone. The last one is kept, to explain it.
 */
export class CoordinatorRefusals {
  last: CoordinatorRefusal | undefined;

  notice(entry: LogEntry): void {
    if (entry.log.message !== 'Tried to find group coordinator') return;
    const { error, groupId } = entry.log as { error?: { type?: unknown }; groupId?: unknown };
    if (typeof error?.type === 'string' && error.type.endsWith('_AUTHORIZATION_FAILED')) this.last = { type: error.type, id: String(groupId) };
  }
}
