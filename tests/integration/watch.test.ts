import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@sonar/stack';
import { testContext, type TestContext } from '../support/context.ts';
import { eventually, freePort, metricValue, spawnService, type ServiceProcess } from '../support/services.ts';
import { produceReadings } from '../support/produce.ts';

const SONAR = join(repoRoot(), 'packages/cli/src/main.ts');

const contexts: TestContext[] = [];
const processes: ServiceProcess[] = [];
const streams: Promise<unknown>[] = [];
afterEach(async () => {
  // The stream first: its topic is about to be deleted.
  await Promise.all(streams.splice(0).map((s) => s.catch(() => undefined)));
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await Promise.all(contexts.splice(0).map((c) => c.cleanup()));
});

/** `sonar watch` as a user runs it; resolves with its exit code and output. */
function sonarWatch(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SONAR, 'watch', ...args], {
    cwd: repoRoot(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const readingsPerSecond = (frame: string, service: string) => Number(new RegExp(`^${service}\\s+up\\s+(\\S+)`, 'm').exec(frame)?.[1]);

describe('sonar watch', () => {
  it('shows the model version and the readings per second of live services', async () => {
    const ctx = await testContext('watch');
    contexts.push(ctx);
    await ctx.createTopics(3);
    const ports = { ingest: await freePort(), trainer: await freePort(), scorer: await freePort() };
    processes.push(
      spawnService('ingest', ctx.env({ INGEST_PORT: ports.ingest })),
      spawnService('trainer', ctx.env({ TRAINER_PORT: ports.trainer, TRAIN_CHECKPOINT_INTERVAL_MS: 500 })),
      spawnService('scorer', ctx.env({ SCORER_PORT: ports.scorer, SCORER_POLL_MS: 500 })),
    );
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.trainer}/readyz`)).ok, 20_000, 'the trainer to join its group');
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.ingest}/metrics`)).ok, 20_000, 'ingest to answer');
    // Not awaited: about 8 s of readings, still arriving while watch looks, so rates are not zero.
    streams.push(produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 60, shuffle: true, holdout: 0.2, rate: 1500 }));
    await eventually(async () => (await metricValue(ports.scorer, 'sonar_scorer_model_version')) >= 1, 20_000, 'the scorer to use a checkpoint');

    const url = (port: number) => `http://127.0.0.1:${port}`;
    const { code, stdout, stderr } = await sonarWatch(
      ['--plain', '--frames', '3', '--interval', '1000', '--ingest', url(ports.ingest), '--trainer', url(ports.trainer), '--scorer', url(ports.scorer)],
      15_000,
    );

    expect(code, stderr).toBe(0);
    const frames = stdout.split(/^-{20,}$/m);
    expect(frames).toHaveLength(3);
    const last = frames.at(-1)!;
    expect(last).not.toMatch(/NaN|undefined/);
    expect(Number(/model version (\d+)/.exec(last)?.[1])).toBeGreaterThanOrEqual(1);
    expect(last).toMatch(/^ingest\s+up\s/m);
    expect(Math.max(readingsPerSecond(last, 'scorer'), readingsPerSecond(last, 'trainer'))).toBeGreaterThan(0);
  });
});
