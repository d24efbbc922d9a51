import { deadLetterHeaders, type RejectReason } from '@sonar/contracts';
import type { KafkaMessage, Message } from 'kafkajs';
import type { BatchingProducer } from './batching-producer.ts';

export interface Rejected {
  reason: RejectReason;
  message: string;
}

export interface Source {
  topic: string;
  partition: number;
}

/** The dead letter of a record: its key and value unchanged, the reason in headers. */
export function deadLetter(record: KafkaMessage, source: Source, service: string, rejected: Rejected): Message {
  return {
    key: record.key,
    value: record.value,
    headers: deadLetterHeaders({
      reason: rejected.reason,
      message: rejected.message,
      service,
      topic: source.topic,
      partition: source.partition,
      offset: record.offset,
    }),
  };
}

/** Sends a batch's rejected records to the dead-letter topic; resolves when Kafka has them. */
export function publishDeadLetters(
  producer: BatchingProducer,
  deadLetterTopic: string,
  service: string,
  source: Source,
  rejected: readonly (Rejected & { record: KafkaMessage })[],
): Promise<void> {
  if (rejected.length === 0) return Promise.resolve();
  return producer.send(
    deadLetterTopic,
    rejected.map((r) => deadLetter(r.record, source, service, r)),
  );
}
