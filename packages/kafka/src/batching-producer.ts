import type { Message, Producer, TopicMessages } from 'kafkajs';
import { chunkMessages, DEFAULT_MAX_REQUEST_BYTES } from './chunk-messages.ts';
import { KAFKA_TUNING } from './tuning.ts';

export interface BatchingOptions {
  /** Send as soon as this many messages wait. */
  maxBatchMessages?: number;
  /**
   * At most about this many bytes per request, so no partition's record batch
   * reaches the broker's message.max.bytes (1 MiB by default).
   */
  maxBatchBytes?: number;
  /** ...or when the oldest waiting message is this old (kafkajs has no linger.ms of its own). */
  lingerMs?: number;
  /** Above this many unacknowledged messages, whenWritable() waits: memory stays bounded. */
  highWaterMark?: number;
}

interface Pending {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Accumulates messages and sends them with one sendBatch per N messages or T ms,
 * one request in flight at a time, so an idempotent producer keeps order.
 * Callers get a promise per send() call, resolved when Kafka acknowledged it (acks=all).
 */
export class BatchingProducer {
  private queue: Pending[] = [];
  private queued = 0;
  private queuedBytes = 0;
  private unacked = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private writableWaiters: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly maxBytes: number;
  private readonly lingerMs: number;
  private readonly highWaterMark: number;

  constructor(
    private readonly producer: Producer,
    options: BatchingOptions = {},
  ) {
    const defaults = KAFKA_TUNING.batching;
    this.maxBatch = options.maxBatchMessages ?? defaults.maxBatchMessages;
    this.maxBytes = options.maxBatchBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.lingerMs = options.lingerMs ?? defaults.lingerMs;
    this.highWaterMark = options.highWaterMark ?? defaults.highWaterMarkBatches * this.maxBatch;
  }

  send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const chunks = chunkMessages(messages, this.maxBatch, this.maxBytes);
    const sent = chunks.map(
      (chunk) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ topic, messages: chunk.messages, bytes: chunk.bytes, resolve, reject });
        }),
    );
    this.queued += messages.length;
    this.queuedBytes += chunks.reduce((n, c) => n + c.bytes, 0);
    this.unacked += messages.length;
    if (this.queued >= this.maxBatch || this.queuedBytes >= this.maxBytes) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.lingerMs);
    return chunks.length === 1 ? sent[0]! : Promise.all(sent).then(() => undefined);
  }

  /** Messages handed over and not yet acknowledged (or failed). */
  get pending(): number {
    return this.unacked;
  }

  /** True while fewer than highWaterMark messages await acknowledgement. */
  get writable(): boolean {
    return this.unacked < this.highWaterMark;
  }

  whenWritable(): Promise<void> {
    return this.writable ? Promise.resolve() : new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** Sends everything queued now; resolves when all of it is acknowledged (or failed). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight) {
      this.kick();
      await this.inFlight;
    }
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.queue.length === 0) return;
    this.inFlight = this.sendNext().finally(() => {
      this.inFlight = undefined;
      if (this.queued >= this.maxBatch || this.queuedBytes >= this.maxBytes) this.kick();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.kick(), this.lingerMs);
    });
  }

  private async sendNext(): Promise<void> {
    const batch = this.take();
    const count = batch.reduce((n, p) => n + p.messages.length, 0);
    try {
      await this.producer.sendBatch({ topicMessages: byTopic(batch), acks: -1 });
      for (const pending of batch) pending.resolve();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.unacked -= count;
      if (this.writable) for (const wake of this.writableWaiters.splice(0)) wake();
    }
  }

  /** Whole chunks, up to maxBatch messages and maxBytes (at least one chunk). */
  private take(): Pending[] {
    const batch: Pending[] = [];
    let count = 0;
    let bytes = 0;
    for (;;) {
      const next = this.queue[0];
      if (!next) break;
      if (batch.length > 0 && (count + next.messages.length > this.maxBatch || bytes + next.bytes > this.maxBytes)) break;
      batch.push(this.queue.shift()!);
      count += next.messages.length;
      bytes += next.bytes;
    }
    this.queued -= count;
    this.queuedBytes -= bytes;
    return batch;
  }
}

function byTopic(batch: Pending[]): TopicMessages[] {
  const topics = new Map<string, Message[]>();
  for (const { topic, messages } of batch) {
    const list = topics.get(topic);
    if (list) for (const message of messages) list.push(message);
    else topics.set(topic, messages.slice());
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
