import type { RecordLike, RejectedRecord } from './decode-records.ts';
import type { RejectReason } from './reasons.ts';

/** Headers on a dead letter; its value is the original bytes, unchanged. */
export const DEAD_LETTER_HEADERS = {
  reason: 'sonar.error.reason',
  message: 'sonar.error.message',
  service: 'sonar.error.service',
  topic: 'sonar.source.topic',
  partition: 'sonar.source.partition',
  offset: 'sonar.source.offset',
} as const;

export interface DeadLetterCause {
  reason: RejectReason;
  message: string;
  service: string;
  topic: string;
  partition: number;
  offset: string;
}

export function deadLetterHeaders(cause: DeadLetterCause): Record<string, string> {
  return {
    [DEAD_LETTER_HEADERS.reason]: cause.reason,
    [DEAD_LETTER_HEADERS.message]: cause.message,
    [DEAD_LETTER_HEADERS.service]: cause.service,
    [DEAD_LETTER_HEADERS.topic]: cause.topic,
    [DEAD_LETTER_HEADERS.partition]: String(cause.partition),
    [DEAD_LETTER_HEADERS.offset]: cause.offset,
  };
}

/** Where a rejected record was read, and who rejected it. */
export interface DeadLetterSource {
  service: string;
  topic: string;
  partition: number;
}

/** The dead letter of a record: its key and value unchanged, the reason and source in headers. */
export function deadLetterMessage(rejected: RejectedRecord<RecordLike>, source: DeadLetterSource): { key: Buffer | null; value: Buffer | null; headers: Record<string, string> } {
  return {
    key: rejected.record.key ?? null,
    value: rejected.record.value,
    headers: deadLetterHeaders({ reason: rejected.reason, message: rejected.message, ...source, offset: rejected.record.offset }),
  };
}
