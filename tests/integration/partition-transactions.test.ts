import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartitionTransactions } from '@sonar/kafka';
import { readTopic } from '@sonar/testkit';
import { testContext, type TestContext } from '../support/context.ts';

// Exactly once without KIP-447 rests on one rule: fence a partition's transactional id,
// then read where to start. takeOver() and takeOverPartition() are the only reads of it;
// these check the rule on the real broker.
describe('per-partition transactions on a real broker', () => {
  let ctx: TestContext;
  let input: string;
  let output: string;
  beforeAll(async () => {
    ctx = await testContext('partition-transactions');
    input = await ctx.createTopic(`${ctx.topicPrefix}tx-in`, 2);
    output = await ctx.createTopic(`${ctx.topicPrefix}tx-out`, 1);
  });
  afterAll(() => ctx.cleanup());

  const committedOffset = async (groupId: string, partition: number): Promise<number> => {
    const [offsets] = await ctx.admin.fetchOffsets({ groupId, topics: [input] });
    return Number(offsets?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  };

  // The broker answers a commit before the offset in it is readable; only a registration
  // of the id anew waits for it. A producer kept over a rebalance read stale offsets in
  // 4 of 100 and 15 of 200 rounds of this loop, which re-read readings already sent.
  it('a take-over reads the offset of our own last commit, every time', async () => {
    const groupId = `${ctx.id}-own`;
    const transactions = new PartitionTransactions(ctx.kafka, ctx.admin, groupId, groupId);
    try {
      expect(await transactions.takeOver(input, [0, 1])).toEqual(new Map([[0, undefined], [1, undefined]]));
      const stale: string[] = [];
      for (let next = 1; next <= 100; next++) {
        await transactions.commit(input, 0, [{ topic: output, messages: [{ value: String(next) }] }], next);
        const read = next % 2 === 0 ? (await transactions.takeOver(input, [0])).get(0) : await transactions.takeOverPartition(input, 0);
        if (read !== next) stale.push(`${read} after committing ${next}`);
      }
      expect(stale).toEqual([]);
      expect(await committedOffset(groupId, 0)).toBe(100);
    } finally {
      await transactions.close();
    }
  });

  it('a new owner fences the old one: its next commit fails and leaves nothing, and the new owner goes on from the last commit', async () => {
    const groupId = `${ctx.id}-owners`;
    const old = new PartitionTransactions(ctx.kafka, ctx.admin, groupId, groupId);
    const successor = new PartitionTransactions(ctx.kafka, ctx.admin, groupId, groupId);
    try {
      await old.takeOver(input, [0, 1]);
      await old.commit(input, 1, [{ topic: output, messages: [{ key: 'old', value: 'committed' }] }], 10);
      expect(await successor.takeOver(input, [1])).toEqual(new Map([[1, 10]]));
      await expect(old.commit(input, 1, [{ topic: output, messages: [{ key: 'old', value: 'fenced' }] }], 20)).rejects.toThrow();
      // Its other partition's producer was not fenced, and taking one partition over anew keeps it.
      expect(await old.takeOverPartition(input, 1)).toBe(10);
      await old.commit(input, 0, [{ topic: output, messages: [{ key: 'old', value: 'partition 0' }] }], 5);
      await expect(successor.commit(input, 1, [{ topic: output, messages: [{ key: 'successor', value: 'after' }] }], 20)).rejects.toThrow();
      expect(await successor.takeOverPartition(input, 1)).toBe(10);
      await successor.commit(input, 1, [{ topic: output, messages: [{ key: 'successor', value: 'again' }] }], 20);
      expect([await committedOffset(groupId, 0), await committedOffset(groupId, 1)]).toEqual([5, 20]);
      const values = (await readTopic(ctx.kafka, output, { idleMs: 1500, readCommitted: true }))
        .filter((record) => record.key?.toString() === 'old' || record.key?.toString() === 'successor')
        .map((record) => `${record.key?.toString()}: ${record.value?.toString()}`);
      expect(values).toEqual(['old: committed', 'old: partition 0', 'successor: again']);
    } finally {
      await Promise.all([old.close(), successor.close()]);
    }
  });
});
