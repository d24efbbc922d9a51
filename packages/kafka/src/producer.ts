import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * An idempotent producer (acks=all, one request in flight, so order holds) that
 * retries for as long as it takes: a broker restart delays sends, it never drops them.
 * Keys hash with the Java client's murmur2 partitioner, so other clients agree on partitions.
 */
export function createProducer(kafka: Kafka, transactionalId?: string): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    ...(transactionalId ? { transactionalId, transactionTimeout: 30_000 } : {}),
  });
}
