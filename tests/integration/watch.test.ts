import { describe, expect, it } from 'vitest';
import { eventually, freePort, metricValue, produceReadings, runSonar } from '@sonar/testkit';
import { testScope } from '../support/scope.ts';

const scope = testScope();

const readingsPerSecond = (frame: string, service: string) => Number(new RegExp(`^${service}\\s+up\\s+(\\S+)`, 'm').exec(frame)?.[1]);

describe('sonar watch', () => {
  it('shows the model version and the readings per second of live services', async () => {
    const ctx = await scope.context('watch', 3);
    const ports = { ingest: await freePort(), trainer: await freePort(), scorer: await freePort() };
    ctx.service('ingest', ctx.env({ INGEST_PORT: ports.ingest }));
    ctx.service('trainer', ctx.env({ TRAINER_PORT: ports.trainer, TRAIN_CHECKPOINT_INTERVAL_MS: 500 }));
    ctx.service('scorer', ctx.env({ SCORER_PORT: ports.scorer, SCORER_POLL_MS: 500 }));
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.trainer}/readyz`)).ok, 20_000, 'the trainer to join its group');
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.ingest}/metrics`)).ok, 20_000, 'ingest to answer');
    // Not awaited: about 8 s of readings, still arriving while watch looks, so rates are not zero.
    const stream = produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 60, shuffle: true, holdout: 0.2, rate: 1500 });
    // The stream ends before the context goes: its topic is about to be deleted.
    scope.defer(() => stream);
    await eventually(async () => (await metricValue(ports.scorer, 'sonar_scorer_model_version')) >= 1, 20_000, 'the scorer to use a checkpoint');

    const url = (port: number) => `http://127.0.0.1:${port}`;
    const { code, stdout, stderr } = await runSonar(
      ['watch', '--plain', '--frames', '3', '--interval', '1000', '--ingest', url(ports.ingest), '--trainer', url(ports.trainer), '--scorer', url(ports.scorer)],
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
  });
});
