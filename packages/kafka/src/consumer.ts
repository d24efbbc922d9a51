import type { ConsumerConfig, Kafka, Consumer } from 'kafkajs';
import { KAFKA_TUNING } from './tuning.ts';

/** A consumer as the services use it (see KAFKA_TUNING.consumer). */
export function createConsumer(kafka: Kafka, config: ConsumerConfig): Consumer {
  return kafka.consumer({ ...KAFKA_TUNING.consumer, ...config });
}
