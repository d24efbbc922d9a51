import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { Admin, KafkaMessage } from 'kafkajs';
import { decodeGradient, encodeReadingJson } from '@sonar/contracts';
import { ConsumerLag, type BatchSource, type ConsumedBatch, type PartitionTransactions, type TransactionSend } from '@sonar/kafka';
import { createLogger } from '@sonar/runtime';
import { ModelHolder } from '@sonar/store';
import { GradientWorker } from './gradient-worker.ts';
import { workerMetrics } from './worker-metrics.ts';

const TOPIC = 'readings';

interface Commit {
  partition: number;
  gradients: number;
  letters: number;
  next: number;
  fromOffsets: number[];
}

/**
 * The worker's decisions against recording fakes of its Kafka edges: what it takes over,
 * where it seeks, what goes in each transaction. Two things are missing on purpose: the
 * source has no plain commit (an offset written outside the partition's transaction is not
 * fenced), and the admin cannot read the group's offsets (read without fencing, they may be stale).
 */
function harness(committedOffset: number | undefined, options: { failNext?: number } = {}) {
  let clock = 1_000_000;
  let failures = options.failNext ?? 0;
  const commits: Commit[] = [];
  const fenced: string[] = [];
  const seeks: [number, number][] = [];
  const admin = {
    fetchTopicOffsets: async () => [0, 1].map((partition) => ({ partition, offset: '10000', high: '10000', low: '0' })),
  } as unknown as Admin;
  const transactions = {
    takeOver: async (_topic: string, partitions: readonly number[]) => {
      fenced.push(`assignment ${partitions.join(',')}`);
      return new Map(partitions.map((partition) => [partition, committedOffset]));
    },
    takeOverPartition: async (_topic: string, partition: number) => {
      fenced.push(`partition ${partition}`);
      return committedOffset;
    },
    commit: async (_topic: string, partition: number, sends: readonly TransactionSend[], next: number) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('The producer has been fenced');
      }
      const [gradients, letters] = sends;
      const fromOffsets = (gradients?.messages ?? []).map((m) => {
        const decoded = decodeGradient(m.value as Buffer);
        if (!decoded.ok) throw new Error(decoded.message);
        return decoded.value.fromOffset;
      });
      commits.push({ partition, gradients: gradients?.messages.length ?? 0, letters: letters?.messages.length ?? 0, next, fromOffsets });
    },
  } as unknown as PartitionTransactions;
  const source = { rebalancePending: false, seek: (_topic: string, partition: number, offset: number) => void seeks.push([partition, offset]) } as unknown as BatchSource;
  const holder = new ModelHolder(() => undefined);
  const lag = new ConsumerLag(admin, TOPIC);
  const worker = new GradientWorker({
    settings: { model: 'sonar', worker: 'w1', batchSize: 4, maxWaitMs: 0, dedupWindow: 0, maxReadingBytes: 65_536, maxStaleness: 4, ahead: 1 },
    readingsTopic: TOPIC,
    gradientsTopic: 'gradients',
    deadLetterTopic: 'dead-letters',
    deadLetterLimits: { maxValueBytes: 4096 } as never,
    admin,
    source,
    transactions,
    holder,
    metrics: workerMetrics(new Registry(), 'sonar-workers-sonar', lag, holder),
    lag,
    logger: createLogger('trainer-worker', 'silent'),
    now: () => clock,
  });
  return { worker, commits, fenced, seeks, advance: (ms: number) => (clock += ms) };
}

const reading = (holdout: boolean, label?: 'R' | 'M') => encodeReadingJson({ id: undefined, features: new Float64Array(60).fill(0.25), label, holdout, ts: undefined });
const labeled = () => reading(false, 'R');

function batchOf(partition: number, from: number, values: string[]): ConsumedBatch {
  const messages = values.map((value, i) => ({ key: null, value: Buffer.from(value), offset: String(from + i), timestamp: '1795000000000' }) as unknown as KafkaMessage);
  return { topic: TOPIC, partition, messages, highWatermark: String(from + values.length), isStale: () => false, release: () => undefined };
}

describe('GradientWorker', () => {
  it('takes its assignment over (fenced, then the committed offsets read) and seeks where each partition starts', async () => {
    const { worker, fenced, seeks } = harness(100);
    await worker.assign([0, 1]);
    expect(fenced).toEqual(['assignment 0,1']);
    expect(seeks).toEqual([
      [0, 100],
      [1, 100],
    ]);
  });

  it('starts a partition the group has no offset for at its earliest retained reading', async () => {
    const { worker, seeks } = harness(undefined);
    await worker.assign([1]);
    expect(seeks).toEqual([[1, 0]]);
  });

  it('moves the offset past readings it does not learn from only inside the partition transaction', async () => {
    const { worker, commits } = harness(100);
    await worker.assign([0]);
    await worker.handle(batchOf(0, 100, [reading(true, 'M'), reading(true, 'R'), reading(false)]));
    expect(commits).toEqual([{ partition: 0, gradients: 0, letters: 0, next: 103, fromOffsets: [] }]);
    // Nothing moved: nothing to commit.
    await worker.handle(batchOf(0, 100, [reading(true, 'R')]));
    expect(commits).toHaveLength(1);
  });

  it('commits a mini-batch as one gradient with the offset of the first reading still waiting', async () => {
    const { worker, commits } = harness(100);
    await worker.assign([0]);
    await worker.handle(batchOf(0, 100, [labeled(), reading(true, 'M'), labeled(), labeled(), labeled(), labeled()]));
    expect(commits).toEqual([{ partition: 0, gradients: 1, letters: 0, next: 105, fromOffsets: [100] }]);
  });

  it('after an aborted transaction, fences that partition alone a moment later and reads it again from the committed offset', async () => {
    const { worker, commits, fenced, seeks, advance } = harness(100, { failNext: 1 });
    await worker.assign([0, 1]);
    const batch = [labeled(), labeled(), labeled(), labeled()];
    await worker.handle(batchOf(0, 100, batch));
    expect(commits).toEqual([]);
    // Its batches are let go until it starts again.
    await worker.handle(batchOf(0, 104, batch));
    await worker.tick();
    expect(fenced).toEqual(['assignment 0,1']);
    advance(1000);
    await worker.tick();
    expect(fenced).toEqual(['assignment 0,1', 'partition 0']);
    expect(seeks.at(-1)).toEqual([0, 100]);
    await worker.handle(batchOf(0, 100, batch));
    expect(commits).toEqual([{ partition: 0, gradients: 1, letters: 0, next: 104, fromOffsets: [100] }]);
  });
});
