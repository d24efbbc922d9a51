import { setTimeout as sleep } from 'node:timers/promises';
import { Observable } from 'rxjs';
import type { Consumer } from 'kafkajs';

/**
 * A consumer's place in its group as data: the partitions of `topic` it is given at
 * each join (maybe none), and whether it is joined now (not while kafkajs restarts
 * a crashed consumer).
 */
export class GroupMembership {
  private joinedNow = false;
  /** Joined, then told the group rebalances: re-joining until the next GROUP_JOIN. */
  private rejoining = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
  ) {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joinedNow = true;
      this.rejoining = false;
    });
    consumer.on(consumer.events.REBALANCING, () => (this.rejoining = true));
    consumer.on(consumer.events.CRASH, () => (this.joinedNow = false));
    consumer.on(consumer.events.STOP, () => (this.joinedNow = false));
  }

  get joined(): boolean {
    return this.joinedNow;
  }

  /**
   * Disconnects the consumer. A member of the group leaves it, and that is waited for: its
   * partitions go to the others at once. A consumer still joining (or re-joining in a
   * rebalance) cannot leave before the coordinator answers its JoinGroup, and kafkajs waits
   * for that answer, which a group waiting for a paused member holds back for up to that
   * member's session timeout, past any shutdown grace. So its disconnect is started and
   * waited for only briefly: it holds no partition to hand over, and the process that exits
   * closes its connections.
   */
  async disconnect(briefMs = 500): Promise<void> {
    const disconnected = this.consumer.disconnect();
    if (this.joinedNow && !this.rejoining) return disconnected;
    disconnected.catch(() => undefined);
    await Promise.race([disconnected, sleep(briefMs)]);
  }

  /** Every assignment, from the next join on. */
  readonly assignments$ = new Observable<number[]>((subscriber) =>
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => subscriber.next(payload.memberAssignment[this.topic] ?? [])),
  );
}
