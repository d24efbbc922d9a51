import { createHash } from 'node:crypto';
import type { RecordLike, RejectedRecord } from './decode-records.ts';
import type { RejectReason } from './reasons.ts';

/**
 * Headers on a dead letter; its value is the original bytes, unchanged, unless they
 * would not fit the dead-letter topic: then a prefix, and the `original*` headers say so.
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'sonar.error.reason',
  message: 'sonar.error.message',
  service: 'sonar.error.service',
  topic: 'sonar.source.topic',
  partition: 'sonar.source.partition',
  offset: 'sonar.source.offset',
  /** 'value', 'key' or 'key,value': what was cut to a prefix. */
  truncated: 'sonar.error.truncated',
  originalValueBytes: 'sonar.original.value.bytes',
  originalValueSha256: 'sonar.original.value.sha256',
  originalKeyBytes: 'sonar.original.key.bytes',
  originalKeySha256: 'sonar.original.key.sha256',
} as const;

/**
 * A value above `maxValueBytes` (a key above `maxKeyBytes`) is cut to its first
 * `prefixBytes`: a dead letter must fit the dead-letter topic, whose limit a record
 * accepted onto the readings topic (compressed, say) can exceed by far.
 */
export interface DeadLetterLimits {
  maxValueBytes: number;
  maxKeyBytes: number;
  prefixBytes: number;
}

/** Well below the broker's default message.max.bytes (1 MiB), request overhead included. */
export const DEFAULT_DEAD_LETTER_LIMITS: DeadLetterLimits = { maxValueBytes: 256 * 1024, maxKeyBytes: 4096, prefixBytes: 4096 };

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

export interface DeadLetterMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * The dead letter of a record: its key and value unchanged (or, when too large, their
 * prefix with the original size and SHA-256), the reason and source in headers.
 */
export function deadLetterMessage(rejected: RejectedRecord<RecordLike>, source: DeadLetterSource, limits: DeadLetterLimits = DEFAULT_DEAD_LETTER_LIMITS): DeadLetterMessage {
  const headers = deadLetterHeaders({ reason: rejected.reason, message: rejected.message, ...source, offset: rejected.record.offset });
  const key = fitted(rejected.record.key ?? null, limits.maxKeyBytes, limits.prefixBytes);
  const value = fitted(rejected.record.value, limits.maxValueBytes, limits.prefixBytes);
  const truncated: string[] = [];
  if (key.original) {
    truncated.push('key');
    headers[DEAD_LETTER_HEADERS.originalKeyBytes] = String(key.original.bytes);
    headers[DEAD_LETTER_HEADERS.originalKeySha256] = key.original.sha256;
  }
  if (value.original) {
    truncated.push('value');
    headers[DEAD_LETTER_HEADERS.originalValueBytes] = String(value.original.bytes);
    headers[DEAD_LETTER_HEADERS.originalValueSha256] = value.original.sha256;
  }
  if (truncated.length > 0) headers[DEAD_LETTER_HEADERS.truncated] = truncated.join(',');
  return { key: key.bytes, value: value.bytes, headers };
}

function fitted(bytes: Buffer | null, max: number, prefix: number): { bytes: Buffer | null; original?: { bytes: number; sha256: string } } {
  if (bytes === null || bytes.length <= max) return { bytes };
  return { bytes: bytes.subarray(0, prefix), original: { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } };
}
