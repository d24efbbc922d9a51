import { Observable } from 'rxjs';
import type { Consumer } from 'kafkajs';

/**
 * A consumer's place in its group as data: the partitions of `topic` it is given at
 * each join (maybe none), and whether it is joined now (not while kafkajs restarts
 * a crashed consumer).
 */
export class GroupMembership {
  private joinedNow = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
  ) {
    consumer.on(consumer.events.GROUP_JOIN, () => (this.joinedNow = true));
    consumer.on(consumer.events.CRASH, () => (this.joinedNow = false));
    consumer.on(consumer.events.STOP, () => (this.joinedNow = false));
  }

  get joined(): boolean {
    return this.joinedNow;
  }

  /** Every assignment, from the next join on. */
  readonly assignments$ = new Observable<number[]>((subscriber) =>
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => subscriber.next(payload.memberAssignment[this.topic] ?? [])),
  );
}
