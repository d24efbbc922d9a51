import { describe, expect, it } from 'vitest';
import type { ClassifiedEvent } from '@sonar/contracts';
import { checkpointStore, eventually, fullBatches, metricValue, plannedTrainable, produceReadings, readTopic, runSonar, trained } from '@sonar/testkit';
import { testScope } from '../support/scope.ts';
import { TestPrometheus } from '../support/prometheus.ts';

const scope = testScope();

describe('shadow scoring and promotion', () => {
  it('serving sgd beside a shadow adam: both accuracies and the agreement in Prometheus; promote makes the shadow serve', async () => {
    const ctx = await scope.context('shadow');
    const shadowModel = `${ctx.model}-adam`;
    const live = { epochs: 30, shuffle: true, holdout: 0.2, seed: 42, rate: 2500 };
    const trainerSettings = { TRAIN_BATCH_SIZE: 32, TRAIN_CHECKPOINT_EVERY: 1, TRAIN_CHECKPOINT_INTERVAL_MS: 200 };
    await ctx.serviceOnFreePort('trainer', { ...trainerSettings, TRAIN_OPTIMIZER: 'sgd', TRAIN_ALPHA: 0.1 }, 'trainer-sgd');
    await ctx.serviceOnFreePort('trainer', { ...trainerSettings, TRAIN_OPTIMIZER: 'adam', TRAIN_ALPHA: 0.01 }, 'trainer-adam', { model: shadowModel });
    const { port: scorerPort } = await ctx.serviceOnFreePort('scorer', { SCORER_SHADOW_MODEL: shadowModel, SCORER_POLL_MS: 200, SCORER_ACCURACY_WINDOW: 200 });
    const prometheus = await TestPrometheus.start({ jobs: { scorer: scorerPort } });
    scope.defer(() => prometheus.stop());

    // Both models exist, and the scorer holds the shadow, before the stream the comparison is read from.
    const warm = { epochs: 2, shuffle: true, seed: 1, idPrefix: 'warm-' };
    await produceReadings(ctx.kafka, ctx.topics.readings, warm);
    await Promise.all([trained(ctx, 320), trained(ctx, 320, shadowModel)]);
    await eventually(async () => (await metricValue(scorerPort, 'sonar_scorer_shadow_model_version')) >= 1, 60_000, 'the scorer to hold the shadow model');
    await produceReadings(ctx.kafka, ctx.topics.readings, live);
    // Every full batch of both streams, so the shadow is not still writing versions when it is promoted.
    const everything = fullBatches(plannedTrainable(warm) + plannedTrainable(live), 32);
    await Promise.all([trained(ctx, everything), trained(ctx, everything, shadowModel)]);
    const query = async (expr: string) => (await prometheus.query(expr))[0]?.value;
    const seen = await eventually(async () => {
      const values = {
        serving: await query('sonar_scorer_shadow_accuracy{side="serving"}'),
        shadow: await query('sonar_scorer_shadow_accuracy{side="shadow"}'),
        agreement: await query('sonar_scorer_shadow_agreement'),
        shadowLoss: await query('sonar_scorer_shadow_log_loss{side="shadow"}'),
      };
      return Object.values(values).every((v) => v !== undefined && Number.isFinite(v)) ? values : undefined;
    }, 60_000, 'the shadow comparison in Prometheus');
    console.log(`[shadow] holdout accuracy serving (sgd) ${seen.serving!.toFixed(3)}, shadow (adam) ${seen.shadow!.toFixed(3)}, agreement ${seen.agreement!.toFixed(3)}, shadow log-loss ${seen.shadowLoss!.toFixed(3)}`);
    for (const v of [seen.serving!, seen.shadow!, seen.agreement!]) expect(v).toBeGreaterThan(0.5);

    const compared = await runSonar(['model', 'compare', ctx.model, shadowModel, '--scorer', `http://127.0.0.1:${scorerPort}`, '--json'], ctx.env());
    expect(compared.code, compared.stderr).toBe(0);
    const comparison = JSON.parse(compared.stdout) as { live: { agreement?: number }; holdout: { rows: number } };
    expect(comparison.holdout.rows).toBe(42);
    expect(comparison.live.agreement).toBeGreaterThan(0.5);

    // The adam model is promoted: the serving model's next version holds its theta, and the scorer swaps it in.
    const promoted = await runSonar(['model', 'promote', shadowModel, '--to', ctx.model, '--by', 'integration-test'], ctx.env());
    expect(promoted.code, promoted.stderr).toBe(0);
    const served = (await checkpointStore(ctx).load())!;
    expect(served.promotedFrom).toMatchObject({ model: shadowModel, by: 'integration-test' });
    // The promoted version is looked up in the shadow's history, so the check holds whichever version promote read.
    const shadowCheckpoint = (await checkpointStore(ctx, shadowModel).history()).find((c) => c.version === served.promotedFrom!.version);
    expect(shadowCheckpoint, `shadow version ${served.promotedFrom!.version} in its history`).toBeDefined();
    expect(shadowCheckpoint!.samples).toBe(everything);
    expect(Array.from(served.state.theta)).toEqual(Array.from(shadowCheckpoint!.state.theta));
    await eventually(async () => (await metricValue(scorerPort, 'sonar_scorer_model_version')) >= served.version, 20_000, 'the scorer to swap the promoted version in');

    await produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 1, seed: 7, idPrefix: 'after-' });
    const events = (await readTopic(ctx.kafka, ctx.topics.classified, { idleMs: 2000 })).map((m) => JSON.parse(m.value!.toString()) as ClassifiedEvent);
    const after = events.filter((e) => e.id.startsWith('after-'));
    expect(after).toHaveLength(208);
    expect(after.every((e) => e.modelVersion >= served.version)).toBe(true);
    // The trainer went on from it; the history keeps where that version came from.
    const history = await runSonar(['model', 'history', '--limit', '1000'], ctx.env());
    expect(history.stdout).toContain(`promoted from "${shadowModel}" version ${shadowCheckpoint!.version} by integration-test`);
  });
});
