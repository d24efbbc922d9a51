import { decodeReading, type Reading } from '@sonar/contracts';
import type { KafkaMessage } from 'kafkajs';
import type { Rejected } from './dead-letters.ts';

export interface DecodedRecord {
  reading: Reading;
  record: KafkaMessage;
  offset: number;
  /** The Kafka record timestamp (ms). */
  timestamp: number;
}

export interface RejectedRecord extends Rejected {
  record: KafkaMessage;
}

export interface DecodedRecords {
  readings: DecodedRecord[];
  rejected: RejectedRecord[];
}

/** Decodes the records of a batch, in order; malformed ones come back with their reason. */
export function decodeRecords(messages: readonly KafkaMessage[], maxBytes: number, fromOffset = 0): DecodedRecords {
  const readings: DecodedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  for (const record of messages) {
    const offset = Number(record.offset);
    if (offset < fromOffset) continue;
    const decoded = decodeReading(record.value, maxBytes);
    if (decoded.ok) readings.push({ reading: decoded.value, record, offset, timestamp: Number(record.timestamp) });
    else rejected.push({ record, reason: decoded.reason, message: decoded.message });
  }
  return { readings, rejected };
}
