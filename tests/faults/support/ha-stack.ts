import { throwawayHaStack, type HaService, type HaStack } from '@sonar/stack';
import type { ContextTarget } from '../../support/context.ts';

/**
 * The HA stack the fault suite's HA scenarios share (three KRaft brokers, Redis with a replica
 * and three Sentinels), up once for all of them. Each scenario brings it back whole when done.
 */
export class FaultHa {
  private constructor(
    readonly stack: HaStack,
    readonly upMs: number,
    private readonly stopStack: () => Promise<void>,
    private readonly env: Record<'ingest' | 'trainer' | 'scorer', Record<string, string>>,
  ) {}

  static async start(): Promise<FaultHa> {
    const { stack, upMs, stop } = await throwawayHaStack();
    const env = { ingest: await stack.serviceEnv('ingest'), trainer: await stack.serviceEnv('trainer'), scorer: await stack.serviceEnv('scorer') };
    return new FaultHa(stack, upMs, stop, env);
  }

  /** Where a scenario's own clients connect: every broker, and Redis through the Sentinels (so they follow a failover too). */
  target(): ContextTarget {
    const sentinels = this.stack.sentinels.map((address) => {
      const [host, port] = address.split(':');
      return { host: host!, port: Number(port) };
    });
    return { brokers: this.stack.brokers, redisUrl: 'redis://127.0.0.1', redisOptions: { sentinels, name: this.stack.config.sentinelName } };
  }

  /** A service's settings as `sonar stack env --ha --service <name>` prints them. */
  serviceEnv(service: Exclude<HaService, 'admin'>): Record<string, string> {
    return this.env[service];
  }

  /** Restarts whatever is down and waits until the whole stack is ready again; the time it took. */
  async whole(): Promise<number> {
    const started = Date.now();
    await this.stack.up(() => undefined);
    return Date.now() - started;
  }

  stop(): Promise<void> {
    return this.stopStack();
  }
}
