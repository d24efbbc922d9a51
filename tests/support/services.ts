import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, repoRoot, startService, type ServiceName, type ServiceProcess } from '@sonar/stack';

export { freePort };
export type { ServiceName, ServiceProcess };

let counter = 0;

/** A service as its own process, its log kept in .sonar/test-logs for when a test fails. */
export function spawnService(service: ServiceName, env: Record<string, string>, label: string = service): ServiceProcess {
  const logFile = join(repoRoot(), '.sonar', 'test-logs', `${env.SONAR_MODEL ?? 'sonar'}-${label}-${++counter}.log`);
  return startService(service, env, logFile, label);
}

/** Polls until `check` returns something truthy. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(100);
  }
}

/** The value of one metric sample from a service's /metrics (summed over matching label sets). */
export async function metricValue(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).some(([k, v]) => !line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? sum : Number.NaN;
}
