import { describe, expect, it } from 'vitest';
import { AssignerProtocol, type KafkaMessage } from 'kafkajs';
import { consumerGroups, decodeClassified, type ClassifiedEvent } from '@sonar/contracts';
import { CheckpointStore } from '@sonar/store';
import { predictProbability } from '@sonar/model';
import type { TestContext } from '../support/context.ts';
import { testScope } from '../support/scope.ts';
import { schemaValidator } from '../support/schemas.ts';
import { eventually, fittedTheta, metricValue, produceReadings, readTopic, sonarRows, writeModel } from '@sonar/testkit';

const scope = testScope();
const context = (name: string, partitions: number) => scope.context(name, partitions);

const scorer = (ctx: TestContext, extra: Record<string, string | number | boolean> = {}, label = 'scorer') =>
  ctx.serviceOnFreePort('scorer', { SCORER_POLL_MS: 500, ...extra }, label);

// A killed member's partitions wait for its session to time out: keep that short here.
const FAST_FAILOVER = { SCORER_SESSION_TIMEOUT_MS: 6000, SCORER_HEARTBEAT_MS: 1000 };

const events = (records: KafkaMessage[]): ClassifiedEvent[] => records.map((m) => decodeClassified(m.value!.toString()));

async function classifiedIds(ctx: TestContext, expected: number, readCommitted = true): Promise<ClassifiedEvent[]> {
  return events(await readTopic(ctx.kafka, ctx.topics.classified, { count: expected, readCommitted, timeoutMs: 90_000 }));
}

describe('scorer service', () => {
  it('classifies every reading with a valid event, and a kill -9 mid-run loses none', async () => {
    const ctx = await context('scorer-kill', 3);
    await writeModel(ctx, { version: 1, theta: fittedTheta() });
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { synthetic: 20_000, holdout: 0.2, rate: 5000 });
    const first = await scorer(ctx, FAST_FAILOVER);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    first.proc.signal('SIGKILL');
    await first.proc.exited;
    await scorer(ctx, FAST_FAILOVER);
    const sent = await producing;
    const classified = await classifiedIds(ctx, sent);
    const ids = new Set(classified.map((e) => e.id));
    expect(sent).toBe(20_000);
    expect(ids.size).toBe(sent);
    const validate = schemaValidator('classified');
    const problems = classified.flatMap((e) => validate(e));
    expect(problems).toEqual([]);
    expect(classified.every((e) => e.modelVersion === 1 && e.model === ctx.model)).toBe(true);
    expect(classified.filter((e) => e.holdout).length).toBeGreaterThan(0);
  });

  it('exactly once: with transactions a read_committed consumer sees one event per reading across a kill -9', async () => {
    const ctx = await context('scorer-eos', 3);
    await writeModel(ctx, { version: 1, theta: fittedTheta() });
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { synthetic: 15_000, rate: 5000 });
    const first = await scorer(ctx, { ...FAST_FAILOVER, SCORER_EXACTLY_ONCE: true });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    first.proc.signal('SIGKILL');
    await first.proc.exited;
    const second = await scorer(ctx, { ...FAST_FAILOVER, SCORER_EXACTLY_ONCE: true });
    const sent = await producing;
    const classified = await classifiedIds(ctx, sent);
    expect(classified).toHaveLength(sent);
    expect(new Set(classified.map((e) => e.id)).size).toBe(sent);
    expect(await metricValue(second.port, 'sonar_scorer_transactions_total', { outcome: 'committed' })).toBeGreaterThan(0);
  });

  it('exactly once across rebalances: scorers joining and leaving mid-stream while batches are fetched ahead', async () => {
    // At every join kafkajs reads the group's offsets again, maybe before a commit under way lands:
    // the records it then hands out again must not be classified twice.
    const ctx = await context('scorer-eos-rebalance', 2);
    await writeModel(ctx, { version: 1, theta: fittedTheta() });
    const eos = { ...FAST_FAILOVER, SCORER_EXACTLY_ONCE: true, SCORER_PREFETCH_BATCHES: 2 };
    const staying = await scorer(ctx, eos, 'scorer-staying');
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { synthetic: 40_000, rate: 8000 });
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const visitor = await scorer(ctx, eos, `scorer-visitor-${round}`);
      await eventually(async () => (await membersWithPartitions(ctx, consumerGroups.scorer(ctx.model))) === 2, 30_000, 'the visitor to hold a partition');
      visitor.proc.signal('SIGTERM');
      await visitor.proc.exited;
    }
    const sent = await producing;
    const classified = await classifiedIds(ctx, sent);
    expect(new Set(classified.map((e) => e.id)).size).toBe(sent);
    expect(classified).toHaveLength(sent);
    expect(await metricValue(staying.port, 'sonar_scorer_transactions_total', { outcome: 'committed' })).toBeGreaterThan(0);
  });

  it('swaps in a new model mid-stream without restart, and honours a rollback', async () => {
    const ctx = await context('scorer-swap', 1);
    const v1 = fittedTheta(50);
    const v2 = fittedTheta(800);
    await writeModel(ctx, { version: 1, theta: v1 });
    const { proc, port } = await scorer(ctx);
    // The stream starts once the scorer consumes: a slow start would find it all waiting, scored with v1 alone.
    await eventually(async () => (await membersWithPartitions(ctx, consumerGroups.scorer(ctx.model))) === 1, 30_000, 'the scorer to hold the partition');
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 12, rate: 400, idPrefix: 'swap-' });
    await eventually(async () => (await metricValue(port, 'sonar_scorer_readings_total')) > 300, 30_000, 'events with v1');
    await writeModel(ctx, { version: 2, theta: v2 });
    await eventually(async () => (await metricValue(port, 'sonar_scorer_model_version')) === 2, 10_000, 'v2 swapped in');
    await eventually(async () => (await metricValue(port, 'sonar_scorer_readings_total')) > 1200, 30_000, 'events with v2');
    const rolledBack = await new CheckpointStore(ctx.redis, ctx.model, ctx.redisPrefix).rollback(1);
    expect(rolledBack.version).toBe(3);
    const sent = await producing;
    const classified = await classifiedIds(ctx, sent);
    expect(proc.child.exitCode).toBeNull();
    const versions = classified.map((e) => e.modelVersion);
    // One partition: events are in reading order, and versions never go back.
    expect(versions.every((v, i) => i === 0 || v >= versions[i - 1]!)).toBe(true);
    expect(new Set(versions)).toEqual(new Set([1, 2, 3]));
    const rows = sonarRows();
    const byVersion = { 1: v1, 2: v2, 3: v1 } as Record<number, Float64Array>;
    for (const event of classified.filter((_, i) => i % 50 === 0)) {
      const row = Number(/swap-(\d+)-/.exec(event.id)![1]);
      expect(event.probability).toBe(predictProbability(byVersion[event.modelVersion]!, rows[row]!.features));
    }
    expect(await metricValue(port, 'sonar_scorer_model_swaps_total')).toBe(2);
  });

  it('two scorers on a 4-partition topic share it: both progress, nothing is lost', async () => {
    const ctx = await context('scorer-scale', 4);
    await writeModel(ctx, { version: 1, theta: fittedTheta() });
    const a = await scorer(ctx, {}, 'scorer-a');
    const b = await scorer(ctx, {}, 'scorer-b');
    await eventually(async () => (await membersWithPartitions(ctx, consumerGroups.scorer(ctx.model))) === 2, 30_000, 'both scorers to hold partitions');
    const sent = await produceReadings(ctx.kafka, ctx.topics.readings, { synthetic: 12_000, rate: 4000 });
    const classified = await classifiedIds(ctx, sent);
    expect(new Set(classified.map((e) => e.id)).size).toBe(sent);
    expect(await metricValue(a.port, 'sonar_scorer_readings_total')).toBeGreaterThan(0);
    expect(await metricValue(b.port, 'sonar_scorer_readings_total')).toBeGreaterThan(0);
  });

  it('classifies the holdout readings with accuracy >= 0.80 once the trainer learnt the training rows', async () => {
    const ctx = await context('scorer-holdout', 3);
    await ctx.serviceOnFreePort('trainer', { TRAIN_OPTIMIZER: 'adam', TRAIN_ALPHA: 0.01, TRAIN_BATCH_SIZE: 16, TRAIN_CHECKPOINT_INTERVAL_MS: 500 });
    const { port } = await scorer(ctx);
    // A live stream rather than one backlog: a backlog would be learnt a partition at a time.
    await produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 100, shuffle: true, holdout: 0.2, seed: 42, idPrefix: 'learn-', rate: 4000 });
    const store = new CheckpointStore(ctx.redis, ctx.model, ctx.redisPrefix);
    const learnt = await eventually(async () => {
      const c = await store.load();
      return c && c.samples >= 166 * 100 - 16 ? c : undefined;
    }, 120_000, 'the trainer to learn 100 epochs');
    await eventually(async () => (await metricValue(port, 'sonar_scorer_model_version')) >= learnt.version, 30_000, 'the scorer to swap in the trained model');
    const sent = await produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 1, shuffle: true, holdout: 0.2, seed: 42, idPrefix: 'final-' });
    expect(sent).toBe(208);
    const all = await classifiedIds(ctx, 208 * 101);
    const holdout = all.filter((e) => e.id.startsWith('final-') && e.holdout);
    expect(holdout).toHaveLength(42);
    const accuracy = holdout.filter((e) => e.label === e.trueLabel).length / holdout.length;
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  });
});

async function membersWithPartitions(ctx: TestContext, groupId: string): Promise<number> {
  const { groups } = await ctx.admin.describeGroups([groupId]);
  return (groups[0]?.members ?? []).filter((m) => {
    const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    return Object.values(assignment?.assignment ?? {}).some((partitions) => partitions.length > 0);
  }).length;
}
