import { describe, expect, it } from 'vitest';
import { batchFromRows, gradientDescent, seededRng } from '@sonar/model';
import { loadSonar } from '@sonar/dataset';
import { DEAD_LETTER_HEADERS, decodeReading } from '@sonar/contracts';
import { CheckpointStore } from '@sonar/store';
import { holdoutRows } from '@sonar/ingest';
import type { TestContext } from '../support/context.ts';
import { testScope } from '../support/scope.ts';
import { ZOMBIE_SETTINGS, zombieTakeover } from '../support/zombie.ts';
import { DETERMINISTIC_TRAINING, checkpointStore, eventually, fullBatches, metricValue, produceReadings, readTopic, sonarRows, trained } from '@sonar/testkit';

const scope = testScope();

const context = (name: string, partitions = 1) => scope.context(name, partitions);

const trainer = (ctx: TestContext, extra: Record<string, string | number> = {}, model = ctx.model) => ctx.serviceOnFreePort('trainer', extra, 'trainer', { model });

describe('trainer service', () => {
  it.each(['json', 'avro'] as const)('streaming equals batch (%s): one partition, batch = the 166 training rows, 50 epochs in order', async (format) => {
    const ctx = await context(`stream-batch-${format}`);
    await produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 50, holdout: 0.2, seed: 42, format });
    await trainer(ctx, { TRAIN_OPTIMIZER: 'sgd', TRAIN_ALPHA: 0.1, TRAIN_BATCH_SIZE: 166, TRAIN_BATCH_MAX_WAIT_MS: 0, TRAIN_CHECKPOINT_EVERY: 1 });
    const checkpoint = await trained(ctx, 166 * 50);

    const rows = loadSonar();
    const held = holdoutRows(sonarRows(), 0.2, 42);
    const train = rows.map((_, i) => i).filter((i) => !held.has(i));
    expect(train).toHaveLength(166);
    const reference = gradientDescent(batchFromRows(rows, train), { alpha: 0.1, iterations: 50 });
    const diff = Math.max(...Array.from(checkpoint.state.theta, (t, j) => Math.abs(t - reference.theta[j]!)));
    expect(checkpoint.samples).toBe(8300);
    expect(checkpoint.batches).toBe(50);
    expect(diff).toBeLessThanOrEqual(1e-9);
  });

  it.each(['json', 'avro'] as const)('crash equivalence (%s): kill -9 at three random moments, theta bit-identical to an uninterrupted run', async (format) => {
    const ctx = await context(`crash-${format}`);
    const settings = { ...DETERMINISTIC_TRAINING, TRAIN_CHECKPOINT_EVERY: 5, TRAIN_CHECKPOINT_INTERVAL_MS: 200 };
    const options = { synthetic: 24_000, holdout: 0.1, seed: 7 };
    // Readings arrive over ~8 s while the trainer is killed and restarted.
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { ...options, rate: 3000, format });
    const rng = seededRng(2026);
    for (let kill = 0; kill < 3; kill++) {
      const { proc } = await trainer(ctx, settings);
      await new Promise((resolve) => setTimeout(resolve, 1500 + rng() * 1500));
      proc.signal('SIGKILL');
      await proc.exited;
    }
    await producing;
    await trainer(ctx, settings);
    const expected = await expectedTrainingCount(ctx);
    const crashed = await trained(ctx, expected);

    const reference = `${ctx.model}-reference`;
    await trainer(ctx, settings, reference);
    const uninterrupted = await trained(ctx, expected, reference);
    expect(crashed.samples).toBe(expected);
    expect(uninterrupted.samples).toBe(expected);
    expect(new Uint8Array(crashed.state.theta.buffer)).toEqual(new Uint8Array(uninterrupted.state.theta.buffer));
  });

  it('fencing: a paused trainer that lost its partitions cannot overwrite its successor', async () => {
    const ctx = await context('fence');
    const zombie = await zombieTakeover(ctx, () => trainer(ctx, ZOMBIE_SETTINGS));
    // B joining made the group rebalance; A kept its partitions and its epoch.
    expect(zombie.epochAfterJoin).toBe(zombie.epochOfA);
    expect(zombie.rejected).toBeGreaterThanOrEqual(1);
    expect(zombie.since.length).toBeGreaterThan(1);
    expect(zombie.since.every((c) => c.epoch === zombie.takeover.epoch)).toBe(true);
    expect((await checkpointStore(ctx).load())!.epoch).toBe(zombie.takeover.epoch);
  });

  it('a rollback makes the trainer continue from the rolled-back version', async () => {
    const ctx = await context('rollback');
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { synthetic: 12_000, rate: 1500, seed: 5 });
    await trainer(ctx, { TRAIN_BATCH_SIZE: 16, TRAIN_CHECKPOINT_EVERY: 1, TRAIN_CHECKPOINT_INTERVAL_MS: 200, TRAIN_HISTORY: 5000 });
    const store = new CheckpointStore(ctx.redis, ctx.model, ctx.redisPrefix, 5000);
    const target = await eventually(async () => {
      const c = await store.load();
      return c && c.version >= 3 ? c : undefined;
    }, 30_000, 'a few checkpoints');
    const before = await eventually(async () => {
      const c = await store.load();
      return c && c.samples >= target.samples + 3000 ? c : undefined;
    }, 30_000, 'more training after the target version');
    const rolled = await store.rollback(target.version);
    // The trainer resumes from the rolled-back theta: its next checkpoint builds on the target's samples.
    const next = await eventually(async () => {
      const c = await store.load();
      return c && c.version > rolled.version ? c : undefined;
    }, 30_000, 'the trainer to checkpoint after the rollback');
    await producing;
    expect(rolled.samples).toBe(target.samples);
    expect(next.samples).toBeLessThan(before.samples);
    expect(next.samples).toBeGreaterThanOrEqual(target.samples);
    expect(next.state.step).toBe(target.state.step + (next.samples - target.samples) / 16);
    expect(next.epoch).toBe(rolled.epoch);
  });

  it('on SIGTERM finishes the batch, checkpoints and exits 0 within 10 s', async () => {
    const ctx = await context('sigterm');
    await produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 20 });
    // No checkpoint comes due by itself: only the shutdown writes one.
    const { proc, port } = await trainer(ctx, { TRAIN_BATCH_SIZE: 10, TRAIN_CHECKPOINT_EVERY: 100_000, TRAIN_CHECKPOINT_INTERVAL_MS: 0 });
    await eventually(async () => (await metricValue(port, 'sonar_trainer_readings_total', { kind: 'trained' })) >= 4160, 30_000, 'every reading trained');
    expect(await checkpointStore(ctx).load()).toBeUndefined();
    const signalled = Date.now();
    proc.signal('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    const checkpoint = await checkpointStore(ctx).load();
    expect(checkpoint).toMatchObject({ version: 1, samples: 4160, offsets: { '0': '4160' } });
  });

  it('dead-letters invalid records with their reasons and trains exactly as without them', async () => {
    const ctx = await context('dlq');
    const producer = ctx.kafka.producer();
    await producer.connect();
    const bad = [
      { value: '{"features": [1, 2' },
      { value: 'not,a,reading' },
      { value: JSON.stringify({ features: Array(60).fill(0.5), label: 'X' }) },
      { value: Buffer.from([0xff, 0xfe, 0x00]) },
      { value: null },
    ];
    await producer.send({ topic: ctx.topics.readings, messages: bad });
    await produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 3 });
    await producer.send({ topic: ctx.topics.readings, messages: bad.slice(0, 2) });
    await producer.disconnect();

    const clean = await context('dlq-clean');
    await produceReadings(clean.kafka, clean.topics.readings, { epochs: 3 });

    const settings = { TRAIN_BATCH_SIZE: 8, TRAIN_CHECKPOINT_EVERY: 1 };
    const { port } = await trainer(ctx, settings);
    await trainer(clean, settings);
    const withBad = await trained(ctx, 624);
    const withoutBad = await trained(clean, 624);
    expect(Array.from(withBad.state.theta)).toEqual(Array.from(withoutBad.state.theta));

    const letters = await readTopic(ctx.kafka, ctx.topics.deadLetters, { count: 7 });
    const reasons = letters.map((m) => m.headers![DEAD_LETTER_HEADERS.reason]!.toString());
    expect(reasons.sort()).toEqual(['empty', 'invalid_json', 'invalid_json', 'invalid_label', 'not_utf8', 'wrong_feature_count', 'wrong_feature_count']);
    expect(letters.every((m) => m.headers![DEAD_LETTER_HEADERS.service]!.toString() === 'trainer')).toBe(true);
    const utf8Letter = letters.find((m) => m.headers![DEAD_LETTER_HEADERS.reason]!.toString() === 'not_utf8')!;
    expect(utf8Letter.value).toEqual(Buffer.from([0xff, 0xfe, 0x00]));
    expect(await metricValue(port, 'sonar_trainer_rejected_total')).toBe(7);
  });
});

/** Labeled, non-holdout readings in the topic: what the trainer must have applied (up to a partial last batch). */
async function expectedTrainingCount(ctx: TestContext): Promise<number> {
  const records = await readTopic(ctx.kafka, ctx.topics.readings, { idleMs: 2000 });
  const trainable = records.filter((m) => {
    const reading = decodeReading(m.value);
    return reading.ok && reading.value.label !== undefined && !reading.value.holdout;
  }).length;
  return fullBatches(trainable, DETERMINISTIC_TRAINING.TRAIN_BATCH_SIZE);
}

