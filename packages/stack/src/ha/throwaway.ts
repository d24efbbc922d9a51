import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackConfig } from '../config.ts';
import { freePorts } from '../free-port.ts';
import { HaStack } from './ha-stack.ts';

/**
 * `sonar stack up --ha` on free ports in a fresh home of its own, beside whatever else runs
 * (tests, the bench); stop() takes it down and removes the home.
 */
export async function throwawayHaStack(): Promise<{ stack: HaStack; upMs: number; stop: () => Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'sonar-ha-'));
  const [k1, k2, k3, c1, c2, c3, r1, r2, s1, s2, s3] = await freePorts(11);
  const stack = new HaStack({
    ...stackConfig().ha,
    home,
    kafkaPorts: [k1!, k2!, k3!],
    kafkaControllerPorts: [c1!, c2!, c3!],
    redisPorts: [r1!, r2!],
    sentinelPorts: [s1!, s2!, s3!],
  });
  const started = Date.now();
  const stop = async () => {
    await stack.down(() => undefined);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await stack.up(() => undefined);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { stack, upMs: Date.now() - started, stop };
}
