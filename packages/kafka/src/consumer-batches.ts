import { Observable } from 'rxjs';
import type { Consumer, EachBatchPayload, KafkaMessage, TopicPartitionOffsetAndMetadata } from 'kafkajs';

/** One fetched batch of one partition, in the pipeline until it is released. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  highWatermark: string;
  /** True when a seek on this partition made the batch obsolete before it was handled. */
  isStale(): boolean;
  /** The pipeline has handled the batch: the next one comes. */
  release(): void;
}

export interface BatchSourceOptions {
  topics: string[];
  fromBeginning: boolean;
  /**
   * Batches fetched ahead of the pipeline and waiting (1 or 2): kafkajs fetches the next
   * while the pipeline works on one, so fetching and processing overlap. 0: each batch
   * is held until released, and the next fetch waits for it.
   */
  prefetch?: number;
  /** How often to heartbeat while a batch waits for room. */
  heartbeatMs?: number;
}

interface Held {
  batch: EachBatchPayload['batch'];
  /** The partition's seek generation when the batch was fetched. */
  generation: number;
  kafkaStale: () => boolean;
  /** Given when the pipeline releases it (with prefetch 0, that resolves kafkajs' eachBatch). */
  released?: () => void;
}

/**
 * A kafkajs consumer as an Observable of batches with backpressure: one batch in the
 * pipeline at a time, at most `prefetch` fetched ahead and waiting, and kafkajs' fetch
 * loop paused while they wait. Heartbeats continue meanwhile. A seek through the source
 * drops the waiting batches of that partition (they are from before it). Committing
 * offsets is the pipeline's call.
 */
export class BatchSource {
  private readonly prefetch: number;
  private readonly waiting: Held[] = [];
  private inPipeline: Held | undefined;
  private readonly generations = new Map<number, number>();
  private roomWaiters: (() => void)[] = [];
  private stopping = false;
  private rejoining = false;
  /** A heartbeat was answered "rebalancing" and the member has not joined again since. */
  private rebalanceAsked = false;
  /** Joins so far: a heartbeat answered after a join it was sent before says nothing of now. */
  private joins = 0;
  private emit: ((batch: ConsumedBatch) => void) | undefined;
  private onDrained: (() => void) | undefined;
  private run: (() => Promise<void>) | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: BatchSourceOptions,
  ) {
    this.prefetch = options.prefetch ?? 0;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joins += 1;
      this.rebalanceAsked = false;
    });
  }

  /**
   * True while the group waits for this member to join again: a pipeline that holds a
   * batch for long (waiting for something else) should let it go, or every member waits.
   */
  get rebalancePending(): boolean {
    return this.rebalanceAsked;
  }

  readonly batches$ = new Observable<ConsumedBatch>((subscriber) => {
    const crashListener = this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) subscriber.error(event.payload.error);
    });
    this.emit = (batch) => subscriber.next(batch);
    this.onDrained = () => subscriber.complete();
    this.run = () =>
      this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.accept(payload),
      });
    const start = async () => {
      await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning });
      await this.run?.();
    };
    start().catch((error: unknown) => subscriber.error(error));
    return () => {
      // After a pipeline error, nothing must stay held for nobody.
      this.emit = undefined;
      crashListener();
      this.dropWaiting();
      this.inPipeline?.released?.();
      this.wakeRoomWaiters();
    };
  });

  /** Where the partition is read next: waiting batches of it are from before, and dropped. */
  seek(topic: string, partition: number, offset: number): void {
    this.generations.set(partition, this.generation(partition) + 1);
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i]!.batch.partition === partition) this.waiting.splice(i, 1)[0]!.released?.();
    }
    this.wakeRoomWaiters();
    this.consumer.seek({ topic, partition, offset: String(offset) });
  }

  commit(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    return this.consumer.commitOffsets(offsets);
  }

  /** Stops feeding the pipeline: the batch in hand finishes, then the Observable completes. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    try {
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // A consumer whose run failed (refused by the broker, say) has no fetching to pause.
    }
    this.dropWaiting();
    this.wakeRoomWaiters();
    if (!this.inPipeline) this.onDrained?.();
  }

  /**
   * Leaves the consumer group and joins it again, which makes the group rebalance:
   * for a member that must let the group decide again who holds the partitions.
   */
  async rejoin(): Promise<void> {
    if (this.stopping || !this.run) return;
    this.rejoining = true;
    this.dropWaiting();
    this.wakeRoomWaiters();
    try {
      await this.consumer.stop();
    } finally {
      this.rejoining = false;
    }
    if (!this.stopping) await this.run();
  }

  private generation(partition: number): number {
    return this.generations.get(partition) ?? 0;
  }

  private async accept(payload: EachBatchPayload): Promise<void> {
    if (this.stopping || this.rejoining || !this.emit) return;
    const { batch, isStale, resolveOffset } = payload;
    const held: Held = { batch, generation: this.generation(batch.partition), kafkaStale: isStale };
    const last = batch.messages.at(-1);
    if (this.prefetch > 0) {
      // Handed over now: the fetch position moves past the batch, and kafkajs fetches on.
      if (last && !isStale()) resolveOffset(last.offset);
      this.waiting.push(held);
      this.pump();
      await this.whileBeating(payload, () => this.waiting.length < this.prefetch || this.stopping || this.rejoining);
      return;
    }
    // Held until released: without autoCommit, resolving only moves the fetch position, and a pending seek still wins.
    const released = new Promise<void>((resolve) => (held.released = resolve));
    this.waiting.push(held);
    this.pump();
    await this.beatingUntil(payload, released);
    if (last && !isStale() && !this.stopping) resolveOffset(last.offset);
  }

  /** The next waiting batch into the pipeline, when the pipeline is free. */
  private pump(): void {
    if (this.inPipeline || !this.emit) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.inPipeline = next;
    this.wakeRoomWaiters();
    this.emit(this.consumed(next));
  }

  private consumed(held: Held): ConsumedBatch {
    const { batch } = held;
    let released = false;
    return {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages,
      highWatermark: batch.highWatermark,
      isStale: () => held.generation !== this.generation(batch.partition) || held.kafkaStale(),
      release: () => {
        if (released) return;
        released = true;
        this.inPipeline = undefined;
        held.released?.();
        if (this.stopping) this.onDrained?.();
        else this.pump();
      },
    };
  }

  private dropWaiting(): void {
    for (const held of this.waiting.splice(0)) held.released?.();
  }

  private wakeRoomWaiters(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  /** Waits until `ready()` holds, heartbeating meanwhile (the group must not think this member dead). */
  private async whileBeating(payload: EachBatchPayload, ready: () => boolean): Promise<void> {
    while (!ready()) await this.beatingUntil(payload, new Promise<void>((resolve) => this.roomWaiters.push(resolve)));
  }

  private async beatingUntil(payload: EachBatchPayload, done: Promise<void>): Promise<void> {
    const beat = setInterval(() => {
      const joinsBefore = this.joins;
      payload.heartbeat().catch((error: unknown) => {
        if ((error as { type?: string }).type === 'REBALANCE_IN_PROGRESS' && this.joins === joinsBefore) this.rebalanceAsked = true;
      });
    }, this.options.heartbeatMs ?? 1000);
    try {
      await done;
    } finally {
      clearInterval(beat);
    }
  }
}
