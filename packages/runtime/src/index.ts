export { ConfigError, parseEnv, env } from './config.ts';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger.ts';
export { createRegistry, DURATION_BUCKETS, DELAY_BUCKETS } from './metrics.ts';
export { startHttpServer, type HttpOptions, type HttpServer } from './http.ts';
export { Shutdown, type RunningService } from './shutdown.ts';
export { connectionEnv, checkConnection, kafkaConnection, redisConnection, redisReplication, type ConnectionEnv } from './connection-env.ts';
export { zeroCounter } from './zero.ts';
export { DeadlineExceeded, withDeadline } from './deadline.ts';
export { consumerLagGauge, type LagSource } from './lag-gauge.ts';
