import { describe, expect, it } from 'vitest';
import { ConfigError, redisConnection, redisReplication } from '@sonar/runtime';
import { hyperparameters, loadConfig } from './config.ts';

describe('trainer configuration', () => {
  it('has defaults that train with the derivation', () => {
    const config = loadConfig({});
    expect(config.optimizer).toMatchObject({ optimizer: 'sgd', alpha: 0.1, l2: 0 });
    expect(config.TRAIN_BATCH_SIZE).toBe(32);
    expect(config.TRAIN_BATCH_MAX_WAIT_MS).toBe(0);
    expect(hyperparameters(config)).toEqual({ mode: 'exact', optimizer: 'sgd', alpha: 0.1, schedule: 'constant', batchSize: 32, batchMaxWaitMs: 0, l2: 0 });
    expect(config.TRAIN_CHECKPOINT_EVERY).toBe(10);
  });

  it('takes parallel mode from a role, and checkpoints after every applied batch there', () => {
    const worker = loadConfig({ TRAINER_ROLE: 'worker' });
    expect(worker.TRAIN_MODE).toBe('parallel');
    expect(worker.TRAIN_CHECKPOINT_EVERY).toBe(1);
    expect(worker.TRAIN_MAX_STALENESS).toBe(4);
    expect(worker.TRAIN_WORKER_AHEAD).toBe(1);
    expect(hyperparameters(worker).mode).toBe('parallel');
    expect(loadConfig({ TRAIN_MODE: 'parallel', TRAINER_ROLE: 'applier', TRAIN_CHECKPOINT_EVERY: '5' }).TRAIN_CHECKPOINT_EVERY).toBe(5);
  });

  it('refuses a parallel mode without a role, a role in exact mode, Nesterov in parallel and a bad worker id', () => {
    expect(() => loadConfig({ TRAIN_MODE: 'parallel' })).toThrow(/give each process a role, worker or applier/);
    expect(() => loadConfig({ TRAIN_MODE: 'exact', TRAINER_ROLE: 'worker' })).toThrow(/TRAINER_ROLE=worker is a role of parallel mode/);
    expect(() => loadConfig({ TRAINER_ROLE: 'applier', TRAIN_OPTIMIZER: 'momentum', TRAIN_NESTEROV: 'true' })).toThrow(/Nesterov[\s\S]*parallel mode/);
    expect(() => loadConfig({ TRAINER_ROLE: 'boss' })).toThrow(/TRAINER_ROLE/);
    expect(() => loadConfig({ TRAINER_ROLE: 'worker', TRAINER_WORKER_ID: 'a b' })).toThrow(/TRAINER_WORKER_ID/);
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

  it('reaches a Redis Cluster through its seeds, only for a model whose keys share a slot', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001,127.0.0.1:7002', SONAR_MODEL: '{demo}', REDIS_URL: 'rediss://trainer:pw@127.0.0.1:6380' });
    expect(redisConnection(config)).toEqual({ url: 'rediss://trainer:pw@127.0.0.1:6380', clusterNodes: [{ host: '127.0.0.1', port: 7001 }, { host: '127.0.0.1', port: 7002 }] });
    expect(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001', REDIS_PREFIX: '{sonar}' }).SONAR_MODEL).toBe('sonar');
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001', SONAR_MODEL: 'demo' })).toThrow(/SONAR_MODEL: on a Redis Cluster .* name the model with a hash tag, SONAR_MODEL=\{demo\}/);
    expect(redisReplication(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001', SONAR_MODEL: '{demo}', REDIS_WAIT_REPLICAS: '1' }))).toEqual({ replicas: 1, timeoutMs: 1000 });
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001', SONAR_MODEL: '{demo}', REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_NAME: 'sonar' })).toThrow(/REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'no-port', SONAR_MODEL: '{demo}' })).toThrow(/REDIS_CLUSTER_NODES: host:port, comma-separated/);
  });

  it('averages the iterates when asked, from the step given, and records it with the model', () => {
    expect(loadConfig({}).optimizer.averageFrom).toBeUndefined();
    const config = loadConfig({ TRAIN_AVERAGE: 'true', TRAIN_AVERAGE_FROM: '130' });
    expect(config.optimizer.averageFrom).toBe(130);
    expect(hyperparameters(config).averageFrom).toBe(130);
    expect(loadConfig({ TRAIN_AVERAGE: 'true' }).optimizer.averageFrom).toBe(1);
    expect(() => loadConfig({ TRAIN_AVERAGE: 'true', TRAIN_AVERAGE_FROM: '0' })).toThrow(/TRAIN_AVERAGE_FROM/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ TRAIN_ALPHA: '' }).TRAIN_ALPHA).toBe(0.1);
  });
});
