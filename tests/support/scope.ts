import { afterEach } from 'vitest';
import { testContext, type ContextTarget, type TestContext } from './context.ts';

/**
 * What the tests of a file create — contexts (topics, model, Redis keys, their service
 * processes) and anything else deferred — removed after each test, last first.
 */
export function testScope() {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  return {
    /** A context whose topics exist, the readings topic with this many partitions (none created with 0). */
    async context(name: string, partitions = 1, on: ContextTarget = {}): Promise<TestContext> {
      const ctx = await testContext(name, on);
      cleanups.push(() => ctx.cleanup());
      if (partitions > 0) await ctx.createTopics(partitions);
      return ctx;
    },
    /** Something else to undo after the test. */
    defer(cleanup: () => Promise<unknown>): void {
      cleanups.push(cleanup);
    },
  };
}
