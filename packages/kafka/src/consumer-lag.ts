import type { Admin } from 'kafkajs';
import { withDeadline } from '@sonar/runtime';

/**
 * Consumer lag per partition: the log end offset minus the next offset this consumer
 * will process. The end offsets are refreshed in the background, with a deadline, and
 * reading the lag never waits for the broker: a Kafka outage must not make /metrics
 * hang (Prometheus would mark a live service down). Their age says how fresh they are.
 */
export class ConsumerLag {
  private readonly positions = new Map<number, number>();
  private ends = new Map<number, number>();
  private refreshedAt: number | undefined;
  private refreshing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly refreshMs = 2000,
  ) {}

  /** Records that every offset below `next` on this partition has been handled. */
  advance(partition: number, next: number): void {
    this.positions.set(partition, next);
  }

  /** After a rebalance: partitions this consumer no longer has are someone else's to report. */
  retain(partitions: readonly number[]): void {
    for (const partition of [...this.positions.keys()]) if (!partitions.includes(partition)) this.positions.delete(partition);
  }

  /** Starts refreshing the end offsets in the background; stop() ends it. */
  start(): this {
    this.timer ??= setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
    void this.refresh();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Seconds since the end offsets were last read from the broker (Infinity before the first). */
  ageSeconds(now = Date.now()): number {
    return this.refreshedAt === undefined ? Number.POSITIVE_INFINITY : (now - this.refreshedAt) / 1000;
  }

  async current(): Promise<Map<number, number>> {
    const lag = new Map<number, number>();
    for (const [partition, next] of this.positions) {
      lag.set(partition, Math.max(0, (this.ends.get(partition) ?? next) - next));
    }
    return lag;
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const offsets = await withDeadline(this.admin.fetchTopicOffsets(this.topic), this.refreshMs);
      this.ends = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
      this.refreshedAt = Date.now();
    } catch {
      // Broker unreachable or slow: what was known last stays, and its age grows.
    } finally {
      this.refreshing = false;
    }
  }
}
