import { describe, expect, it } from 'vitest';
import { ConfigError, redisConnection, redisReplication } from '@sonar/runtime';
import { hyperparameters, loadConfig } from './config.ts';

describe('trainer configuration', () => {
  it('has defaults that train with the derivation', () => {
    const config = loadConfig({});
    expect(config.optimizer).toMatchObject({ optimizer: 'sgd', alpha: 0.1, l2: 0 });
    expect(config.TRAIN_BATCH_SIZE).toBe(32);
    expect(config.TRAIN_BATCH_MAX_WAIT_MS).toBe(0);
    expect(hyperparameters(config)).toEqual({ optimizer: 'sgd', alpha: 0.1, schedule: 'constant', batchSize: 32, batchMaxWaitMs: 0, l2: 0 });
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ TRAIN_ALPHA: '-1', TRAIN_BATCH_SIZE: 'many', TRAIN_OPTIMIZER: 'lbfgs', REDIS_URL: 'localhost:6379', KAFKA_SASL_USERNAME: 'user' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['TRAIN_ALPHA', 'TRAIN_BATCH_SIZE', 'TRAIN_OPTIMIZER', 'REDIS_URL']) expect(problems).toContain(name);
    expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses Nesterov without momentum and a heartbeat too close to the session timeout', () => {
    expect(() => loadConfig({ TRAIN_NESTEROV: 'true', TRAINER_HEARTBEAT_MS: '20000' })).toThrow(/nesterov[\s\S]*TRAINER_HEARTBEAT_MS/);
  });

  it('reaches Redis through Sentinels when both of their settings are given, and waits for replicas when asked', () => {
    const config = loadConfig({ REDIS_SENTINELS: '127.0.0.1:26379, 127.0.0.1:26380', REDIS_SENTINEL_NAME: 'sonar', REDIS_WAIT_REPLICAS: '1' });
    expect(redisConnection(config)).toEqual({
      url: 'redis://127.0.0.1:6379',
      sentinels: [{ host: '127.0.0.1', port: 26379 }, { host: '127.0.0.1', port: 26380 }],
      sentinelName: 'sonar',
    });
    expect(redisReplication(config)).toEqual({ replicas: 1, timeoutMs: 1000 });
    expect(redisReplication(loadConfig({}))).toEqual({ replicas: 0, timeoutMs: 1000 });
    expect(() => loadConfig({ REDIS_SENTINELS: '127.0.0.1:26379' })).toThrow(/REDIS_SENTINELS and REDIS_SENTINEL_NAME together/);
    expect(() => loadConfig({ REDIS_SENTINELS: 'no-port', REDIS_SENTINEL_NAME: 'sonar' })).toThrow(/REDIS_SENTINELS: host:port, comma-separated/);
    expect(() => loadConfig({ REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_NAME: 'sonar', REDIS_URL: 'rediss://127.0.0.1:6380' })).toThrow(/TLS through Sentinel/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ TRAIN_ALPHA: '' }).TRAIN_ALPHA).toBe(0.1);
  });
});
