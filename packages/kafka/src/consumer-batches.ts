import { Observable } from 'rxjs';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';

/** One fetched batch of one partition, held by the consumer until the pipeline releases it. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  highWatermark: string;
  /** True when a seek on this partition made the batch obsolete before it was handled. */
  isStale(): boolean;
  /** The pipeline has handled the batch: the consumer fetches on from after it (unless a seek moved it). */
  release(): void;
}

export interface BatchSourceOptions {
  topics: string[];
  fromBeginning: boolean;
  /** How often to heartbeat while the pipeline works on a batch. */
  heartbeatMs?: number;
}

/**
 * A kafkajs consumer as an Observable of batches with backpressure: each eachBatch
 * call stays pending until the pipeline releases its batch, so at most one batch is
 * in memory and consumption pauses while the pipeline is busy. Heartbeats continue
 * meanwhile. Releasing a batch moves the fetch position past it; committing offsets
 * is the pipeline's call.
 */
export class BatchSource {
  private stopping = false;
  private releasePending: (() => void) | undefined;
  private onDrained: (() => void) | undefined;
  /** Whether anyone still listens: after a pipeline error, batches must not be held for nobody. */
  private closed = (): boolean => true;
  private run: (() => Promise<void>) | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: BatchSourceOptions,
  ) {}

  readonly batches$ = new Observable<ConsumedBatch>((subscriber) => {
    const crashListener = this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) subscriber.error(event.payload.error);
    });
    this.onDrained = () => subscriber.complete();
    this.closed = () => subscriber.closed;
    this.run = () =>
      this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.hold(payload, (batch) => subscriber.next(batch)),
      });
    const start = async () => {
      await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning });
      await this.run?.();
    };
    start().catch((error: unknown) => subscriber.error(error));
    return () => {
      crashListener();
      this.releasePending?.();
    };
  });

  /** Stops feeding the pipeline: the batch in hand finishes, then the Observable completes. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    if (!this.releasePending) this.onDrained?.();
  }

  /**
   * Leaves the consumer group and joins it again, which makes the group rebalance:
   * for a member that must let the group decide again who holds the partitions.
   * The batch in hand must be released first (stopping waits for it).
   */
  async rejoin(): Promise<void> {
    if (this.stopping || !this.run) return;
    await this.consumer.stop();
    if (!this.stopping) await this.run();
  }

  private async hold(payload: EachBatchPayload, emit: (batch: ConsumedBatch) => void): Promise<void> {
    if (this.stopping || this.closed()) return;
    const { batch, heartbeat, isStale, resolveOffset } = payload;
    const last = batch.messages.at(-1);
    const beat = setInterval(() => heartbeat().catch(() => undefined), this.options.heartbeatMs ?? 1000);
    try {
      await new Promise<void>((resolve) => {
        this.releasePending = resolve;
        emit({
          topic: batch.topic,
          partition: batch.partition,
          messages: batch.messages,
          highWatermark: batch.highWatermark,
          isStale,
          release: () => {
            // Without autoCommit this only moves the fetch position; a pending seek still wins.
            if (last && !isStale()) resolveOffset(last.offset);
            resolve();
          },
        });
      });
    } finally {
      clearInterval(beat);
      this.releasePending = undefined;
      if (this.stopping) this.onDrained?.();
    }
  }
}
