import { join } from 'node:path';
import { KafkaBroker } from '../kafka-broker.ts';
import { repoRoot } from '../paths.ts';
import type { HaStackConfig } from '../types.ts';

/** The HA stack listens on loopback only, like the plain one. */
export const HA_HOST = '127.0.0.1';

/** The brokers' bootstrap addresses, node 1 first. */
export function haBrokerAddresses(config: Pick<HaStackConfig, 'kafkaPorts'>): string[] {
  return config.kafkaPorts.map((port) => `${HA_HOST}:${port}`);
}

/**
 * The three nodes, ids 1 to 3, each a broker and a controller: three JVMs rather than six
 * (three brokers beside three controllers) on a small machine; a quorum of three voters
 * outlives one failed node either way.
 */
export function haBrokers(config: HaStackConfig, clusterId: string): KafkaBroker[] {
  const voters = config.kafkaControllerPorts.map((port, i) => `${i + 1}@${HA_HOST}:${port}`).join(',');
  const template = join(repoRoot(), 'infra/kafka/server-ha.properties');
  return haBrokerAddresses(config).map(
    (address, i) =>
      new KafkaBroker(
        {
          home: config.home,
          kafkaBrokers: [address],
          kafkaIsLocal: true,
          kafkaControllerPort: config.kafkaControllerPorts[i]!,
          kafkaLibDir: config.kafkaLibDir,
          kafkaHeap: config.kafkaHeap,
        },
        undefined,
        { dir: `kafka-${i + 1}`, template, values: { NODE_ID: String(i + 1), VOTERS: voters }, clusterId },
      ),
  );
}
