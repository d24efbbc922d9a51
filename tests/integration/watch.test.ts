import { describe, expect, it } from 'vitest';
import { consumerGroups } from '@sonar/contracts';
import { eventually, freePort, metricValue, produceReadings, runSonar, stableGroup } from '@sonar/testkit';
import type { TestContext } from '../support/context.ts';
import { testScope } from '../support/scope.ts';

const scope = testScope();

const readingsPerSecond = (frame: string, service: string) => Number(new RegExp(`^${service}\\s+up\\s+(\\S+)`, 'm').exec(frame)?.[1]);
const url = (port: number) => `http://127.0.0.1:${port}`;

/** Readings onto the context's topic until the test ends, so rates are not zero while watch looks, however slow the machine. */
function streamUntilDone(ctx: TestContext, rate: number): void {
  const abort = new AbortController();
  const stream = produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 1000, shuffle: true, holdout: 0.2, rate, signal: abort.signal });
  // The stream ends before the context goes: its topic is about to be deleted.
  scope.defer(async () => {
    abort.abort();
    await stream;
  });
}

describe('sonar watch', () => {
  it('shows the model version and the readings per second of live services', async () => {
    const ctx = await scope.context('watch', 3);
    const ports = { ingest: await freePort(), trainer: await freePort(), scorer: await freePort() };
    ctx.service('ingest', ctx.env({ INGEST_PORT: ports.ingest }));
    ctx.service('trainer', ctx.env({ TRAINER_PORT: ports.trainer, TRAIN_CHECKPOINT_INTERVAL_MS: 500 }));
    ctx.service('scorer', ctx.env({ SCORER_PORT: ports.scorer, SCORER_POLL_MS: 500 }));
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.trainer}/readyz`)).ok, 20_000, 'the trainer to join its group');
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.ingest}/metrics`)).ok, 20_000, 'ingest to answer');
    streamUntilDone(ctx, 1500);
    await eventually(async () => (await metricValue(ports.scorer, 'sonar_scorer_model_version')) >= 1, 20_000, 'the scorer to use a checkpoint');

    // No gradient workers: whatever listens on their default ports is not this test's.
    const { code, stdout, stderr } = await runSonar(
      ['watch', '--plain', '--frames', '3', '--interval', '1000', '--ingest', url(ports.ingest), '--trainer', url(ports.trainer), '--scorer', url(ports.scorer), '--workers', ''],
      {},
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
    expect(last).not.toMatch(/^(worker|gradients|staleness) /m);
  });

  it('in parallel mode shows each gradient worker, the gradients applied by worker id and their staleness', async () => {
    const ctx = await scope.context('watch-parallel', 2);
    const ports = { applier: await freePort(), workers: [await freePort(), await freePort()], none: await freePort() };
    ctx.service('trainer', ctx.env({ TRAINER_PORT: ports.applier, TRAINER_ROLE: 'applier' }), 'applier');
    ports.workers.forEach((port, i) =>
      ctx.service('trainer', ctx.env({ TRAINER_PORT: port, TRAINER_ROLE: 'worker', TRAINER_WORKER_ID: `w${i + 1}`, TRAIN_BATCH_MAX_WAIT_MS: 200 }), `worker-${i + 1}`),
    );
    // Both workers in the group before the readings: one partition each.
    await stableGroup(ctx.admin, consumerGroups.worker(ctx.model), 2);
    streamUntilDone(ctx, 800);
    for (const worker of ['w1', 'w2']) {
      await eventually(async () => (await metricValue(ports.applier, 'sonar_trainer_gradients_total', { worker, outcome: 'applied' })) > 0, 30_000, `a gradient of ${worker} applied`);
    }

    // Nothing at ingest and the scorer: this view is about training.
    const { code, stdout, stderr } = await runSonar(
      ['watch', '--plain', '--frames', '3', '--interval', '1000', '--ingest', url(ports.none), '--trainer', url(ports.applier), '--scorer', url(ports.none), '--workers', ports.workers.map(url).join(',')],
      {},
      15_000,
    );

    expect(code, stderr).toBe(0);
    const last = stdout.split(/^-{20,}$/m).at(-1)!;
    expect(last).not.toMatch(/NaN|undefined/);
    for (const port of ports.workers) {
      const row = new RegExp(`^worker :${port}\\s+up\\s+(\\S+)\\s+(\\S+)\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d%$`, 'm').exec(last);
      expect(row, `a row for the worker on :${port} in\n${last}`).not.toBeNull();
      expect(Number(row![1]), `readings/s of :${port}`).toBeGreaterThan(0);
      expect(Number(row![2]), `model version at :${port}`).toBeGreaterThanOrEqual(1);
    }
    expect(readingsPerSecond(last, 'applier')).toBeGreaterThan(0);
    const gradients = /^gradients (\S+)\/s applied \(w1 (\S+), w2 (\S+)\), (\d+) repeats skipped$/m.exec(last);
    expect(gradients, last).not.toBeNull();
    expect(gradients!.slice(1, 4).map(Number).every((rate) => rate > 0), gradients![0]).toBe(true);
    expect(last).toMatch(/^staleness p50 \d+, p99 \d+, mean \d+\.\d versions; transactions \S+\/s, \d+ aborted$/m);
  }, 240_000);
});
