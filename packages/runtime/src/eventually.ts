import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** How often to check (default 100 ms). */
  intervalMs?: number;
  /** A reason to give up before the deadline (a process that exited, say), or undefined to go on. */
  abort?: () => string | undefined;
}

/**
 * Polls `check` until it returns something truthy, and returns that. A check that
 * throws counts as "not yet"; its last error is in the message of the timeout.
 * The one polling helper of the project: readiness waits, tests and benchmarks.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  timeoutMs: number,
  what: string,
  options: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    const aborted = options.abort?.();
    if (aborted) throw new Error(`${what}: ${aborted}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(options.intervalMs ?? 100);
  }
}
