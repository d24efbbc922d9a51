/**
 * The Kafka client settings of every service and tool, in one place: the services,
 * the CLI and the benchmark baselines all read them from here, so a baseline runs
 * with the very settings it is compared with.
 */
export const KAFKA_TUNING = {
  client: {
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    // Capped backoff per request; past its retries a consumer restarts itself (kafkajs'
    // restartOnFailure) and the producers retry without end, so a broker restart kills no service.
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 10 },
  },
  consumer: {
    /** Large fetches for throughput... */
    maxBytesPerPartition: 4 * 1024 * 1024,
    /** ...and a short fetch wait, so stopping never waits long for an idle long-poll. */
    maxWaitTimeInMs: 500,
  },
  producer: {
    /** acks=all, idempotent, one request in flight: order holds and nothing is written twice. */
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    transactionTimeout: 30_000,
  },
  /**
   * For sends that must not hold anything up for long (dead letters): a few retries,
   * then a refusal the caller counts and goes on from.
   */
  boundedProducer: {
    retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 2000 },
    /** The whole send, retries included, gives up after this long. */
    deadlineMs: 15_000,
  },
  batching: {
    /** Send as soon as this many messages wait... */
    maxBatchMessages: 1000,
    /** ...or when the oldest waiting one is this old (kafkajs has no linger.ms of its own). */
    lingerMs: 5,
    /** Above this many unacknowledged messages per batch size, whenWritable() waits. */
    highWaterMarkBatches: 20,
  },
} as const;
