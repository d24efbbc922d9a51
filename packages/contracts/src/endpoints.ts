/** Default ports of the public contract; each is overridable by its environment variable. */
export const DEFAULT_PORTS = {
  kafka: 9092,
  kafkaController: 9093,
  redis: 6379,
  /** The secured local stack (`sonar stack up --secure`). */
  kafkaSecure: 9094,
  kafkaSecureController: 9095,
  redisSecure: 6380,
  /** The HA local stack (`sonar stack up --ha`): three brokers, their controllers, a Redis primary and replica, three Sentinels. */
  kafkaHa: [19092, 19093, 19094],
  kafkaHaController: [19192, 19193, 19194],
  redisHa: [16379, 16380],
  redisSentinel: [26379, 26380, 26381],
  prometheus: 9090,
  ingest: 9100,
  trainer: 9101,
  scorer: 9102,
  /** Parallel mode's gradient workers, each a trainer with TRAINER_PORT set to one of these: what Prometheus, `sonar watch` and `sonar demo --parallel` use. */
  trainerWorkers: [9103, 9104, 9105],
  /** `sonar demo --shadow`'s challenger trainer, the one the scorer scores as its shadow (TRAINER_SHADOW_PORT). */
  trainerShadow: 9106,
} as const;

export const DEFAULT_KAFKA_BROKERS = `127.0.0.1:${DEFAULT_PORTS.kafka}`;
export const DEFAULT_REDIS_URL = `redis://127.0.0.1:${DEFAULT_PORTS.redis}`;
