import type { ConsumerConfig, Kafka, Consumer } from 'kafkajs';

/**
 * A consumer as the services use it: large fetches (throughput), and a short
 * fetch wait so that stopping never waits long for an idle long-poll.
 */
export function createConsumer(kafka: Kafka, config: ConsumerConfig): Consumer {
  return kafka.consumer({
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxWaitTimeInMs: 500,
    ...config,
  });
}
