import { inject } from 'vitest';
import { RunScope, type ScopeTarget } from '@sonar/testkit';

/**
 * What one integration test owns: its own topics, model name (hence consumer groups
 * and Redis keys), Redis key prefix and service processes, all removed by cleanup().
 */
export type TestContext = RunScope;

/** Where a context's clients connect when not to the suite's broker and Redis (the fault suite's own, the secured stack). */
export type ContextTarget = Partial<ScopeTarget>;

/** A context on the suite's broker and Redis, or on others. */
export function testContext(name: string, on: ContextTarget = {}): Promise<TestContext> {
  return RunScope.open(name, {
    ...on,
    brokers: on.brokers ?? inject('kafkaBrokers').split(','),
    redisUrl: on.redisUrl ?? inject('redisUrl'),
  });
}
