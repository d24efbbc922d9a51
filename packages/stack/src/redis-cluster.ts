import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { eventually } from '@sonar/runtime';
import { freePorts } from './free-port.ts';
import { RedisServer } from './redis-server.ts';
import { which } from './which.ts';

const HOST = '127.0.0.1';

/** A Redis Cluster on free ports in a home of its own, for tests: stop() kills it and removes the home. */
export interface ThrowawayRedisCluster {
  /** host:port of every node, as REDIS_CLUSTER_NODES takes them. */
  nodes: string[];
  stop: () => Promise<void>;
}

/**
 * `masters` redis-server processes with cluster mode on (no persistence), each with
 * `replicasPerMaster` replicas, joined by `redis-cli --cluster create` (which spreads the 16384
 * slots over the masters), and up once every node says cluster_state:ok. Fails, rather than
 * skips, without redis-server or redis-cli.
 */
export async function throwawayRedisCluster(masters = 3, replicasPerMaster = 0): Promise<ThrowawayRedisCluster> {
  const cli = which('redis-cli');
  if (!cli) throw new Error('redis-cli is not installed (apt-get install redis-tools): it creates the cluster');
  const home = mkdtempSync(join(tmpdir(), 'sonar-redis-cluster-'));
  const ports = await freePorts(masters * (1 + replicasPerMaster));
  const servers = ports.map((port, i) => clusterNode(home, port, i));
  const nodes = ports.map((port) => `${HOST}:${port}`);
  const stop = async () => {
    await Promise.all(servers.map((server) => server.down(() => undefined)));
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await Promise.all(servers.map((server) => server.up(() => undefined)));
    await promisify(execFile)(cli, ['--cluster', 'create', ...nodes, '--cluster-replicas', String(replicasPerMaster), '--cluster-yes'], { timeout: 30_000 });
    await eventually(() => allOk(ports), 30_000, 'cluster_state:ok on every node');
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { nodes, stop };
}

/** One node, from a config file of its own (RedisServer runs it, and stops it by its pid file). */
function clusterNode(home: string, port: number, i: number): RedisServer {
  const dir = join(home, `node-${i + 1}`);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'redis.conf');
  const settings = [`bind ${HOST}`, `port ${port}`, 'cluster-enabled yes', 'cluster-config-file nodes.conf', 'save ""', 'appendonly no', `dir ${JSON.stringify(dir)}`, 'daemonize no'];
  writeFileSync(configFile, `${settings.join('\n')}\n`);
  return new RedisServer({ home, redisUrl: `redis://${HOST}:${port}` }, { configFile, client: {}, description: 'in cluster mode', dir: `node-${i + 1}` });
}

/** True once every node has all slots assigned and reachable (the state a client needs). */
async function allOk(ports: number[]): Promise<boolean> {
  const states = await Promise.all(ports.map((port) => clusterState(port)));
  return states.every((state) => state === 'ok');
}

async function clusterState(port: number): Promise<string | undefined> {
  const redis = new Redis({ host: HOST, port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = String(await redis.call('CLUSTER', 'INFO'));
    return /cluster_state:(\w+)/.exec(info)?.[1];
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}
