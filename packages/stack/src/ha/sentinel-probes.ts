import { Redis } from 'ioredis';
import { withDeadline } from '@sonar/runtime';
import { HA_HOST } from './ha-kafka.ts';

/** What one Sentinel knows of the primary it monitors. */
export interface SentinelView {
  /** host:port */
  primary: string;
  /** e.g. "master", or "master,s_down,o_down" while it is down. */
  flags: string;
  replicas: number;
  otherSentinels: number;
}

/** A data node's own account of its role (INFO replication). */
export interface NodeRole {
  role: 'master' | 'slave';
  /** A replica's primary, host:port, and whether its link to it is up. */
  primary?: string;
  linkUp?: boolean;
}

export async function sentinelView(port: number, name: string): Promise<SentinelView | undefined> {
  const reply = await ask(port, (redis) => redis.call('SENTINEL', 'MASTER', name));
  if (!Array.isArray(reply)) return undefined;
  const fields = pairs(reply as string[]);
  return {
    primary: `${fields.get('ip')}:${fields.get('port')}`,
    flags: fields.get('flags') ?? '',
    replicas: Number(fields.get('num-slaves') ?? 0),
    otherSentinels: Number(fields.get('num-other-sentinels') ?? 0),
  };
}

export async function nodeRole(port: number): Promise<NodeRole | undefined> {
  const info = await ask(port, (redis) => redis.info('replication'));
  if (typeof info !== 'string') return undefined;
  const fields = new Map(info.split(/\r?\n/).filter((line) => line.includes(':')).map((line) => line.split(':', 2) as [string, string]));
  if (fields.get('role') !== 'slave') return { role: 'master' };
  return { role: 'slave', primary: `${fields.get('master_host')}:${fields.get('master_port')}`, linkUp: fields.get('master_link_status') === 'up' };
}

/**
 * Ready for a failover: every Sentinel names the same primary, up, with all the replicas and all
 * the other Sentinels (they find each other through the primary, within seconds), and every
 * replica is linked to that primary.
 */
export async function sentinelsReady(sentinelPorts: number[], nodePorts: number[], name: string): Promise<boolean> {
  const views = await Promise.all(sentinelPorts.map((port) => sentinelView(port, name)));
  const primary = views[0]?.primary;
  const agreed = views.every(
    (view) => view && view.primary === primary && view.flags === 'master' && view.replicas === nodePorts.length - 1 && view.otherSentinels === sentinelPorts.length - 1,
  );
  if (!agreed) return false;
  const roles = await Promise.all(nodePorts.filter((port) => `${HA_HOST}:${port}` !== primary).map(nodeRole));
  return roles.every((role) => role?.role === 'slave' && role.primary === primary && role.linkUp);
}

/** One request on a connection of its own; undefined when nothing answers. */
async function ask(port: number, request: (redis: Redis) => Promise<unknown>): Promise<unknown> {
  const redis = new Redis({ host: HA_HOST, port, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
  redis.on('error', () => undefined);
  try {
    return await withDeadline(redis.connect().then(() => request(redis)), 2000);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** Redis' flat [field, value, field, value, ...] replies. */
function pairs(reply: string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(reply[i]!, reply[i + 1]!);
  return fields;
}
