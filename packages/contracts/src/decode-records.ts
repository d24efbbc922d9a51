import { decodeReading } from './decode-reading.ts';
import type { Reading } from './reading.ts';
import type { RejectReason } from './reasons.ts';

/** What the codecs need of a Kafka record (kafkajs' KafkaMessage has it). */
export interface RecordLike {
  key?: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers?: Record<string, unknown> | undefined;
}

export interface DecodedRecord<R extends RecordLike = RecordLike> {
  reading: Reading;
  record: R;
  offset: number;
  /** The Kafka record timestamp (ms). */
  timestamp: number;
}

export interface RejectedRecord<R extends RecordLike = RecordLike> {
  record: R;
  reason: RejectReason;
  message: string;
}

export interface DecodedRecords<R extends RecordLike = RecordLike> {
  readings: DecodedRecord<R>[];
  rejected: RejectedRecord<R>[];
}

/** Decodes the records of a batch from `fromOffset` on, in order; malformed ones come back with their reason. */
export function decodeRecords<R extends RecordLike>(records: readonly R[], maxBytes: number, fromOffset = 0): DecodedRecords<R> {
  const readings: DecodedRecord<R>[] = [];
  const rejected: RejectedRecord<R>[] = [];
  for (const record of records) {
    const offset = Number(record.offset);
    if (offset < fromOffset) continue;
    const decoded = decodeReading(record.value, maxBytes);
    if (decoded.ok) readings.push({ reading: decoded.value, record, offset, timestamp: Number(record.timestamp) });
    else rejected.push({ record, reason: decoded.reason, message: decoded.message });
  }
  return { readings, rejected };
}
