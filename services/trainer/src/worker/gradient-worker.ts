import type { Admin, Message } from 'kafkajs';
import { deadLetterMessage, encodeGradient, type DeadLetterLimits, type GradientRecord, type RejectedRecord } from '@sonar/contracts';
import type { BatchSource, ConsumedBatch, ConsumerLag, PartitionTransactions } from '@sonar/kafka';
import { reportRefusedLetters, type Logger } from '@sonar/runtime';
import type { ModelHolder } from '@sonar/store';
import { DedupWindow } from '../learner/dedup-window.ts';
import { gatherReadings, type Gathered } from '../learner/gather-readings.ts';
import { Intake } from '../learner/intake.ts';
import { dueBatchSize, makeGradients, type GradientSettings, type HeldModel } from './make-gradients.ts';
import type { WorkerMetrics } from './worker-metrics.ts';

export interface WorkerSettings extends GradientSettings {
  dedupWindow: number;
  maxReadingBytes: number;
  /** A gradient is computed at a model at most this many versions behind the newest the worker knows. */
  maxStaleness: number;
  /** Gradients per partition sent and not yet reflected in the model held. */
  ahead: number;
}

export interface WorkerDeps {
  settings: WorkerSettings;
  readingsTopic: string;
  gradientsTopic: string;
  deadLetterTopic: string;
  deadLetterLimits: DeadLetterLimits;
  /** For the earliest retained offsets; the committed ones are read through `transactions`, which fences first. */
  admin: Admin;
  source: BatchSource;
  transactions: PartitionTransactions;
  holder: ModelHolder;
  metrics: WorkerMetrics;
  lag: ConsumerLag;
  logger: Logger;
  now: () => number;
}

/** One assigned partition's work: readings waiting for a mini-batch, and the gradients sent the model does not reflect yet. */
interface PartitionWork {
  intake: Intake;
  /** toOffset of each gradient sent, oldest first, until the model held reflects it. */
  unreflected: number[];
  committed: number;
}

/** Where a partition's work starts (the group's committed offset), and its earliest retained offset. */
interface Start {
  start: number;
  low: number;
}

/** After this many aborts of the same batch with dead letters in it, it goes without them (counted and logged). */
const ATTEMPTS_WITH_LETTERS = 2;
/** How long after an aborted transaction its partition starts again (if no new assignment came meanwhile). */
const RESTART_AFTER_MS = 1000;
const ZERO_MODEL: HeldModel = { version: 0, theta: new Float64Array(61) };

/**
 * A parallel-mode gradient worker: readings of its partitions → mini-batches →
 * gradient records at the newest model it holds. Exactly once: what a batch gave (its
 * gradients, its dead letters) and the partition's offset after it go in one Kafka
 * transaction; the offset committed is that of the first reading still waiting for a
 * mini-batch, so after a crash or a rebalance the readings are read again, never lost
 * nor sent twice. The group's committed offsets are where a partition starts.
 */
export class GradientWorker {
  private readonly work = new Map<number, PartitionWork>();
  private assigned: readonly number[] = [];
  private readonly aborts = new Map<number, { offset: number; count: number }>();
  /** Partitions whose transaction aborted, since when: started again from the committed offset a moment later, if still ours. */
  private readonly aborted = new Map<number, number>();
  private stopping = false;

  constructor(private readonly deps: WorkerDeps) {}

  /** The group gave this member these partitions: each starts afresh at the group's committed offset. */
  async assign(partitions: readonly number[]): Promise<void> {
    this.assigned = partitions;
    this.work.clear();
    this.aborted.clear();
    this.deps.lag.retain(partitions);
    if (partitions.length === 0) return;
    // Taken over first: every earlier transaction of these partitions (ours too) either committed before, or never will.
    const starts = await this.startOffsetsRetrying(partitions);
    if (this.assigned !== partitions) return;
    for (const partition of partitions) this.begin(partition, starts.get(partition)!);
    this.deps.logger.info({ partitions, starts: Object.fromEntries([...starts].map(([p, s]) => [p, s.start])) }, 'partitions assigned: computing gradients');
  }

  /** One fetched batch: its readings in, then as many gradients out as the staleness bounds allow now. */
  async handle(batch: ConsumedBatch): Promise<void> {
    const work = this.work.get(batch.partition);
    if (!work || batch.isStale()) return;
    const { settings, metrics } = this.deps;
    const gathered = gatherReadings(work.intake, batch, settings.maxReadingBytes, this.deps.now());
    if (gathered.lastOffset !== undefined) work.intake.consumed(batch.partition, gathered.lastOffset);
    countReadings(metrics, gathered);
    // A rebalance while waiting for a fresher model: let the batch go (the next owner reads it again), or the whole group waits.
    await this.send(batch.partition, work, gathered.rejected, () => batch.isStale() || this.deps.source.rebalancePending);
    this.deps.lag.advance(batch.partition, work.intake.position(batch.partition));
  }

  /** With a max wait, partial mini-batches whose oldest reading waited long enough go now. */
  async tick(): Promise<void> {
    for (const [partition, since] of this.aborted) {
      if (this.deps.now() - since >= RESTART_AFTER_MS && !this.deps.source.rebalancePending) await this.restart(partition);
    }
    for (const [partition, work] of this.work) {
      if (dueBatchSize(work.intake, this.deps.settings, this.deps.now()) > 0) await this.send(partition, work, []);
    }
  }

  /** No more gradients: a wait for a fresher model ends, and what is not committed is read again by the next owner. */
  stop(): void {
    this.stopping = true;
  }

  private async send(partition: number, work: PartitionWork, rejected: RejectedRecord[], abandoned: () => boolean = () => false): Promise<void> {
    const { settings, now } = this.deps;
    let letters = rejected;
    for (;;) {
      const due = dueBatchSize(work.intake, settings, now()) > 0;
      const room = due ? await this.room(partition, work, abandoned) : 0;
      // Stopping, reassigned or abandoned while waiting: nothing is committed, the readings are read again.
      if (this.work.get(partition) !== work || (due && room === 0)) return;
      const made = makeGradients(work.intake, partition, this.held(), settings, now(), room);
      if (made.gated > 0) {
        this.deps.metrics.readings.inc({ kind: 'gated' }, made.gated);
        this.deps.logger.warn({ partition, readings: made.gated }, 'health gate: a mini-batch\'s gradient is not finite; not sent');
      }
      const committed = await this.commit(partition, work, made.records, letters);
      if (!committed) return;
      letters = [];
      if (room === 0 || dueBatchSize(work.intake, settings, now()) === 0) return;
    }
  }

  /**
   * Waits until a gradient may go: the model held is at most maxStaleness versions
   * behind the newest known, and fewer than `ahead` of this partition's gradients are
   * unreflected. Returns how many may go now (0 when stopping, reassigned or abandoned).
   */
  private async room(partition: number, work: PartitionWork, abandoned: () => boolean): Promise<number> {
    const { holder, settings, metrics } = this.deps;
    const started = performance.now();
    try {
      while (!this.stopping && this.work.get(partition) === work && !abandoned()) {
        const reflected = Number(holder.current?.sourceOffsets?.[String(partition)] ?? 0);
        while (work.unreflected.length > 0 && work.unreflected[0]! < reflected) work.unreflected.shift();
        const fresh = holder.newestKnown - (holder.current?.version ?? 0) <= settings.maxStaleness;
        const room = settings.ahead - work.unreflected.length;
        if (fresh && room > 0) return room;
        await holder.nextSwap(250);
      }
      return 0;
    } finally {
      const waited = (performance.now() - started) / 1000;
      if (waited > 0.001) metrics.waitSeconds.inc(waited);
    }
  }

  /**
   * The gradients, the dead letters and the offset in one transaction, also when only the
   * offset moved: a plain offset commit is not fenced, and the group takes one from any
   * member of the current generation, so a former owner that has not yet heard of its new
   * assignment could move the offset back behind the new owner's gradients, and those
   * readings would be sent again. False: the partition starts over.
   */
  private async commit(partition: number, work: PartitionWork, records: GradientRecord[], rejected: RejectedRecord[]): Promise<boolean> {
    const { readingsTopic, gradientsTopic, deadLetterTopic, metrics, logger } = this.deps;
    const next = work.intake.offsetOf(partition);
    if (records.length === 0 && rejected.length === 0 && next <= work.committed) return true;
    const previous = this.aborts.get(partition);
    const abortsBefore = previous?.offset === work.committed ? previous.count : 0;
    // The dead-letter topic may be what refuses: after a few aborts the batch goes without its letters.
    const withLetters = rejected.length > 0 && abortsBefore < ATTEMPTS_WITH_LETTERS;
    const source = { service: 'trainer-worker', topic: readingsTopic, partition };
    const letters: Message[] = withLetters ? rejected.map((r) => deadLetterMessage(r, source, this.deps.deadLetterLimits)) : [];
    const gradients: Message[] = records.map((record) => ({ key: String(partition), value: Buffer.from(encodeGradient(record)) }));
    try {
      await this.deps.transactions.commit(readingsTopic, partition, [{ topic: gradientsTopic, messages: gradients }, { topic: deadLetterTopic, messages: letters }], next);
    } catch (error) {
      metrics.transactions.inc({ outcome: 'aborted' });
      this.aborts.set(partition, { offset: work.committed, count: abortsBefore + 1 });
      logger.warn({ err: (error as Error).message, partition }, 'transaction aborted: the partition is read again from its committed offset');
      // Not at once: when the abort is a new owner's fencing, the group's new assignment is on its way, and
      // fencing the partition back would abort the new owner's transactions in turn.
      this.work.delete(partition);
      this.aborted.set(partition, this.deps.now());
      return false;
    }
    this.aborts.delete(partition);
    work.committed = next;
    for (const record of records) work.unreflected.push(record.toOffset);
    metrics.transactions.inc({ outcome: 'committed' });
    metrics.gradients.inc(records.length);
    metrics.readings.inc({ kind: 'sent' }, records.reduce((sum, r) => sum + r.n, 0));
    for (const r of rejected) metrics.rejected.inc({ reason: r.reason });
    if (rejected.length > 0 && !withLetters) {
      reportRefusedLetters(metrics.deadLettersFailed, logger, { topic: readingsTopic, partition, deadLetterTopic }, rejected, 'every transaction with its dead letters aborted');
    }
    return true;
  }

  /** Gradients are taken at the applier's last iterate (with TRAIN_AVERAGE the served theta is the average). */
  private held(): HeldModel {
    const model = this.deps.holder.current;
    return model ? { version: model.version, theta: model.iterate ?? model.theta } : ZERO_MODEL;
  }

  /** A moment after an aborted transaction: what it held is read again, from the committed offset (if the partition is still ours). */
  private async restart(partition: number): Promise<void> {
    this.aborted.delete(partition);
    if (this.stopping || !this.assigned.includes(partition) || this.work.has(partition)) return;
    try {
      const committed = this.deps.transactions.takeOverPartition(this.deps.readingsTopic, partition).then((offset) => new Map([[partition, offset]]));
      const starts = await this.startOffsets([partition], committed);
      if (this.assigned.includes(partition) && !this.work.has(partition)) this.begin(partition, starts.get(partition)!);
    } catch (error) {
      // Tried again a moment later (or at the next assignment); until then its batches are let go.
      this.deps.logger.warn({ err: (error as Error).message, partition }, 'could not start the partition again yet; retrying');
      this.aborted.set(partition, this.deps.now());
    }
  }

  private begin(partition: number, { start, low }: Start): void {
    const window = this.deps.settings.dedupWindow;
    // The ids of the window's offsets before the start are read again, not sent: retries stay recognised.
    const from = window > 0 ? Math.max(low, DedupWindow.warmupFrom(start, window)) : start;
    const intake = new Intake(this.deps.settings.batchSize, window, new Map([[partition, start]]), from < start ? new Map([[partition, from]]) : new Map());
    this.work.set(partition, { intake, unreflected: [], committed: start });
    this.deps.source.seek(this.deps.readingsTopic, partition, from);
  }

  /**
   * The partitions taken over, and where each starts. The broker may be away at an assignment:
   * tried once a second, for a minute, then the worker gives up (exits non-zero).
   */
  private async startOffsetsRetrying(partitions: readonly number[]): Promise<Map<number, Start>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOffsets(partitions, this.deps.transactions.takeOver(this.deps.readingsTopic, partitions));
      } catch (error) {
        if (attempt >= 60 || this.stopping) throw error;
        this.deps.logger.warn({ err: (error as Error).message, attempt }, 'could not read the committed offsets; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /**
   * Per partition: the group's committed offset, as a take-over read it (the earliest retained
   * offset when none, or when it is older), and the earliest retained.
   */
  private async startOffsets(partitions: readonly number[], takenOver: Promise<Map<number, number | undefined>>): Promise<Map<number, Start>> {
    const [committed, retained] = await Promise.all([takenOver, this.deps.admin.fetchTopicOffsets(this.deps.readingsTopic)]);
    const lowOf = new Map(retained.map((p) => [p.partition, Number(p.low)]));
    return new Map(
      partitions.map((partition) => {
        const low = lowOf.get(partition) ?? 0;
        const offset = committed.get(partition) ?? -1;
        return [partition, { start: offset >= low ? offset : low, low }];
      }),
    );
  }
}

function countReadings(metrics: WorkerMetrics, gathered: Gathered): void {
  if (gathered.holdout > 0) metrics.readings.inc({ kind: 'holdout' }, gathered.holdout);
  if (gathered.unlabeled > 0) metrics.readings.inc({ kind: 'unlabeled' }, gathered.unlabeled);
  if (gathered.duplicates > 0) metrics.readings.inc({ kind: 'duplicate' }, gathered.duplicates);
}
