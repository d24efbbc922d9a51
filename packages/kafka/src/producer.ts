import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { KAFKA_TUNING } from './tuning.ts';

/**
 * An idempotent producer (acks=all, one request in flight, so order holds) that
 * retries for as long as it takes: a broker restart delays sends, it never drops them.
 * Keys hash with the Java client's murmur2 partitioner, so other clients agree on partitions.
 */
export function createProducer(kafka: Kafka, transactionalId?: string, retry: 'unbounded' | 'bounded' = 'unbounded'): Producer {
  const { transactionTimeout, ...settings } = KAFKA_TUNING.producer;
  const bounded = retry === 'bounded';
  return kafka.producer({
    ...settings,
    // Idempotence needs unbounded retries, but transactions need idempotence: a bounded
    // transactional producer's failed transaction aborts, and its batch is read again.
    idempotent: settings.idempotent && (!bounded || transactionalId !== undefined),
    retry: { ...(bounded ? KAFKA_TUNING.boundedProducer.retry : settings.retry) },
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(transactionalId ? { transactionalId, transactionTimeout } : {}),
  });
}
