import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Open-loop pacing: reading i is due at start + i / rate, whatever the previous
 * sends took, so a slow moment is caught up rather than compounded. Rate 0: no pacing.
 */
export class Pacer {
  private readonly start = performance.now();
  private sent = 0;

  constructor(private readonly ratePerSecond: number) {}

  /** How many readings may go now (at least one); waits until the next one is due. */
  async next(max: number): Promise<number> {
    if (this.ratePerSecond <= 0) return max;
    for (;;) {
      const due = Math.floor(((performance.now() - this.start) / 1000) * this.ratePerSecond) + 1 - this.sent;
      if (due > 0) {
        const count = Math.min(max, due);
        this.sent += count;
        return count;
      }
      await sleep(Math.max(1, 1000 / this.ratePerSecond));
    }
  }
}
