import type { Admin } from 'kafkajs';
import type { Logger } from '@sonar/runtime';

/** Whether Kafka answers, checked in the background so /readyz answers at once. */
export class KafkaReachability {
  reachable = true;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly admin: Admin,
    private readonly logger: Logger,
    intervalMs = 5000,
  ) {
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const was = this.reachable;
    try {
      await this.admin.describeCluster();
      this.reachable = true;
    } catch {
      this.reachable = false;
    }
    if (was !== this.reachable) this.logger.warn({ reachable: this.reachable }, 'kafka reachability changed');
  }
}
