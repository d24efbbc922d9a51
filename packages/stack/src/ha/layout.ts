import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterId } from '../kafka-broker.ts';
import type { HaStackConfig } from '../types.ts';

/** What the HA stack's nodes were created with, and must keep: their storage and configs depend on it. */
export interface HaLayout {
  /** The Kafka cluster id every node's storage is formatted with. */
  clusterId: string;
  ports: Pick<HaStackConfig, 'kafkaPorts' | 'kafkaControllerPorts' | 'redisPorts' | 'sentinelPorts'>;
}

export function layoutFile(config: HaStackConfig): string {
  return join(config.home, 'layout.json');
}

/** The layout of the HA folder, created on first use; its ports must be the configured ones. */
export function ensureLayout(config: HaStackConfig): HaLayout {
  const file = layoutFile(config);
  const wanted = portsOf(config);
  if (!existsSync(file)) {
    const layout: HaLayout = { clusterId: clusterId(), ports: wanted };
    mkdirSync(config.home, { recursive: true });
    writeFileSync(file, `${JSON.stringify(layout, null, 2)}\n`);
    return layout;
  }
  const layout = JSON.parse(readFileSync(file, 'utf8')) as HaLayout;
  // Sentinel rewrites the Redis configs with the roles and peers it knows, by port: they are kept, not regenerated.
  if (JSON.stringify(layout.ports) !== JSON.stringify(wanted)) {
    throw new Error(
      `the HA stack in ${config.home} was created with the ports ${JSON.stringify(layout.ports)}, not ${JSON.stringify(wanted)}: ` +
        `use those, or run \`sonar stack down\` and remove ${config.home} to start afresh`,
    );
  }
  return layout;
}

function portsOf(config: HaStackConfig): HaLayout['ports'] {
  const { kafkaPorts, kafkaControllerPorts, redisPorts, sentinelPorts } = config;
  return { kafkaPorts, kafkaControllerPorts, redisPorts, sentinelPorts };
}
