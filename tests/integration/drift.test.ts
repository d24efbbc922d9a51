import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { ModelUpdateEvent } from '@sonar/contracts';
import { eventually, fittedTheta, fullBatches, writeModel, metricValue, plannedTrainable, produceReadings, readTopic, trained } from '@sonar/testkit';
import { testScope } from '../support/scope.ts';
import { TestPrometheus } from '../support/prometheus.ts';
import { join } from 'node:path';
import { repoRoot } from '@sonar/stack';

const ALERTS = join(repoRoot(), 'infra/prometheus/alerts.yml');

const scope = testScope();
const EPOCH = 208;

describe('drift on the stream', () => {
  it('a label flip after 30 epochs is detected within 2,000 readings: a metric, a log line, a flag in the next model-update event, the shipped alert', async () => {
    const ctx = await scope.context('drift');
    const plan = { epochs: 40, shuffle: true, seed: 42, holdout: 0.2, drift: { at: 30 * EPOCH, kind: 'label-flip' as const } };
    // The trainer counts training readings only: 166 of each epoch's 208 (the rest are held out).
    const flipSamples = 30 * 166;
    const { proc: trainer, port } = await ctx.serviceOnFreePort('trainer', { TRAIN_BATCH_SIZE: 32, TRAIN_CHECKPOINT_EVERY: 1 });
    // The scorer watches its holdout accuracy: it serves a model fitted offline (one version, whatever the trainer does),
    // which misses most of the flipped holdout readings.
    const fixed = `${ctx.model}-fitted`;
    await writeModel(ctx, { model: fixed, version: 1, theta: fittedTheta() });
    const { port: scorerPort } = await ctx.serviceOnFreePort('scorer', {}, 'scorer', { model: fixed });
    // A real Prometheus with the shipped rules, scraping both before the stream (it must see the counters at 0).
    const prometheus = await TestPrometheus.start({ jobs: { trainer: port, scorer: scorerPort }, ruleFiles: [ALERTS] });
    scope.defer(() => prometheus.stop());
    await eventually(async () => (await prometheus.query('sonar_drift_detected_total')).length === 2, 60_000, 'Prometheus to scrape both counters at 0');

    await produceReadings(ctx.kafka, ctx.topics.readings, plan);
    await trained(ctx, fullBatches(plannedTrainable(plan), 32));
    await eventually(async () => (await metricValue(scorerPort, 'sonar_drift_detected_total', { signal: 'holdout_accuracy' })) >= 1, 60_000, 'the scorer to detect the drift');

    expect(await metricValue(port, 'sonar_drift_detected_total', { signal: 'progressive_loss' })).toBeGreaterThanOrEqual(1);
    const events = (await readTopic(ctx.kafka, ctx.topics.models, { idleMs: 1500 })).map((m) => JSON.parse(m.value!.toString()) as ModelUpdateEvent);
    const flagged = events.filter((e) => e.driftDetected === true);
    expect(flagged.length).toBeGreaterThanOrEqual(1);
    const firstAlarm = flagged[0]!.samples;
    console.log(`[drift] label flip at reading ${30 * EPOCH} (training reading ${flipSamples}): first model version flagged ${flagged[0]!.version} at ${firstAlarm} training readings (${firstAlarm - flipSamples} after the flip); ${flagged.length} flagged of ${events.length}`);
    expect(firstAlarm).toBeGreaterThan(flipSamples);
    expect(events.filter((e) => e.driftDetected !== undefined && e.samples <= flipSamples)).toHaveLength(0);
    const firing = await eventually(async () => {
      const alerts = await prometheus.query('ALERTS{alertname="SonarDriftDetected", alertstate="firing"}');
      return alerts.length === 2 ? alerts : undefined;
    }, 60_000, 'the shipped SonarDriftDetected alert to fire for trainer and scorer');
    expect(firing.map((a) => a.metric.signal).sort()).toEqual(['holdout_accuracy', 'progressive_loss']);
    await trainer.stop();
    // The log line says where: the readings learnt when the detector raised it.
    const alarms = readFileSync(trainer.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('drift detected: the progressive loss rose'))
      .map((line) => (JSON.parse(line) as { samples: number }).samples);
    console.log(`[drift] detected at ${alarms.join(', ')} training readings: ${alarms.map((a) => a - flipSamples).join(', ')} after the flip`);
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    expect(alarms[0]! - flipSamples).toBeGreaterThan(0);
    expect(alarms[0]! - flipSamples).toBeLessThanOrEqual(2000);
  });
});
