import type { ComponentStatus, HaStackConfig } from '../types.ts';
import { HA_HOST, haBrokerAddresses, haBrokers } from './ha-kafka.ts';
import { haRedisNodes, haSentinels } from './ha-redis.ts';
import { kafkaClusterView, type KafkaClusterView } from './kafka-cluster.ts';
import { activeController } from './quorum.ts';
import { nodeRole, sentinelView } from './sentinel-probes.ts';

/** Every process of the HA stack, and the cluster as its members see it. */
export async function haStatus(config: HaStackConfig): Promise<ComponentStatus[]> {
  const [kafka, redis] = await Promise.all([kafkaRows(config), redisRows(config)]);
  return [...kafka, ...redis].map((status) => ({ ...status, name: `${status.name} (ha)` }));
}

async function kafkaRows(config: HaStackConfig): Promise<ComponentStatus[]> {
  const addresses = haBrokerAddresses(config);
  const [view, controller] = await Promise.all([
    kafkaClusterView(addresses, config.topics.readings),
    activeController(config.kafkaLibDir, config.kafkaControllerPorts.map((port) => `${HA_HOST}:${port}`)),
  ]);
  const nodes = haBrokers(config, '').map((broker, i): ComponentStatus => {
    const id = i + 1;
    const registered = view.registered.includes(id);
    const leads = view.partitions.filter((p) => p.leader === id).map((p) => p.partition);
    return {
      name: `kafka-${id}`,
      state: registered ? (broker.pid ? 'running' : 'external') : broker.pid ? 'starting' : 'stopped',
      pid: broker.pid,
      address: addresses[i]!,
      detail: [
        registered ? 'broker registered' : 'broker not registered',
        ...(controller === id ? ['the active controller'] : []),
        ...(leads.length > 0 ? [`leads ${config.topics.readings} ${leads.join(' ')}`] : []),
        `heap ${config.kafkaHeap}, log ${broker.logFile}`,
      ].join('; '),
    };
  });
  const cluster: ComponentStatus = {
    name: 'kafka cluster',
    state: view.registered.length === addresses.length ? 'running' : view.registered.length > 0 ? 'starting' : 'stopped',
    address: addresses.join(','),
    detail: `${view.registered.length} of ${addresses.length} brokers registered; active controller ${controller ?? 'none (no quorum)'}; ${leaders(config.topics.readings, view)}`,
  };
  return [cluster, ...nodes];
}

function leaders(topic: string, view: KafkaClusterView): string {
  if (view.partitions.length === 0) return `${topic} not found`;
  return `${topic} ${view.partitions.map((p) => `${p.partition}: leader ${p.leader < 0 ? 'none' : p.leader}, ISR ${p.isr.join(' ')}`).join(' | ')}`;
}

async function redisRows(config: HaStackConfig): Promise<ComponentStatus[]> {
  const [nodes, sentinels] = await Promise.all([Promise.all(haRedisNodes(config).map((node) => node.status())), Promise.all(haSentinels(config).map((s) => s.status()))]);
  const views = await Promise.all(config.sentinelPorts.map((port) => sentinelView(port, config.sentinelName)));
  const roles = await Promise.all(config.redisPorts.map(nodeRole));
  const reporting = views.filter((view) => view !== undefined);
  const nodeRows = nodes.map((status, i): ComponentStatus => {
    const address = `${HA_HOST}:${config.redisPorts[i]}`;
    const named = reporting.filter((view) => view.primary === address).length;
    const role = roles[i];
    const says = !role ? 'not answering' : role.role === 'master' ? 'a primary' : `a replica of ${role.primary}, link ${role.linkUp ? 'up' : 'down'}`;
    const sentinelsSay = named > 0 ? `; the primary for ${named} of ${views.length} Sentinels` : '';
    return { ...status, name: `redis-${i + 1}`, address, detail: joined(`${says}${sentinelsSay}`, status.detail) };
  });
  const sentinelRows = sentinels.map((status, i): ComponentStatus => {
    const view = views[i];
    const says = view
      ? `primary ${view.primary} (${view.flags}), ${view.replicas} replica(s), ${view.otherSentinels} other Sentinel(s)`
      : 'no view of the primary';
    return { ...status, name: `sentinel-${i + 1}`, address: `${HA_HOST}:${config.sentinelPorts[i]}`, detail: joined(says, status.detail) };
  });
  return [...nodeRows, ...sentinelRows];
}

const joined = (...parts: string[]) => parts.filter(Boolean).join('; ');
