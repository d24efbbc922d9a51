import { afterEach } from 'vitest';
import { testContext, type TestContext } from './context.ts';
import type { ServiceProcess } from './services.ts';

/**
 * What the tests of a file create — contexts (topics, model, Redis keys) and service
 * processes — stopped and removed after each test.
 */
export function testScope() {
  const contexts: TestContext[] = [];
  const processes: ServiceProcess[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop()));
    await Promise.all(contexts.splice(0).map((c) => c.cleanup()));
  });
  return {
    /** A context whose topics exist, the readings topic with this many partitions. */
    async context(name: string, partitions = 1): Promise<TestContext> {
      const ctx = await testContext(name);
      contexts.push(ctx);
      await ctx.createTopics(partitions);
      return ctx;
    },
    track<P extends ServiceProcess>(proc: P): P {
      processes.push(proc);
      return proc;
    },
  };
}
