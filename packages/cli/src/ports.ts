import { DEFAULT_PORTS } from '@sonar/contracts';
import { portsFromEnv } from '@sonar/stack';

/**
 * Where a command finds a service on this machine: its port variable (INGEST_PORT, ...), else the
 * contract's default. Read when any command is set up, so it never throws: 0 (a port the system
 * picks) or a value that is no port leaves the default, and the service's own config reports a bad one.
 */
export function servicePort(variable: 'INGEST_PORT' | 'TRAINER_PORT' | 'SCORER_PORT' | 'TRAINER_SHADOW_PORT', fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env[variable]);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : fallback;
}

/**
 * Where parallel mode's gradient workers listen (each one's TRAINER_PORT): TRAINER_WORKER_PORTS,
 * comma-separated, else 9103, 9104 and 9105, the ones Prometheus scrapes.
 */
export function workerPorts(env: NodeJS.ProcessEnv = process.env): number[] {
  return portsFromEnv(env, 'TRAINER_WORKER_PORTS', DEFAULT_PORTS.trainerWorkers, { anyCount: true });
}

export const localUrl = (port: number): string => `http://127.0.0.1:${port}`;
