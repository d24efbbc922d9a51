import type { Admin } from 'kafkajs';

/**
 * Consumer lag per partition: the log end offset (from the broker, refreshed at
 * most every refreshMs so a stalled consumer still shows growing lag) minus the
 * next offset this consumer will process.
 */
export class ConsumerLag {
  private readonly positions = new Map<number, number>();
  private ends = new Map<number, number>();
  private refreshedAt = 0;

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

  async current(): Promise<Map<number, number>> {
    if (Date.now() - this.refreshedAt > this.refreshMs) {
      try {
        const offsets = await this.admin.fetchTopicOffsets(this.topic);
        this.ends = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
        this.refreshedAt = Date.now();
      } catch {
        // Broker unreachable: report what was known last.
      }
    }
    const lag = new Map<number, number>();
    for (const [partition, next] of this.positions) {
      lag.set(partition, Math.max(0, (this.ends.get(partition) ?? next) - next));
    }
    return lag;
  }
}
