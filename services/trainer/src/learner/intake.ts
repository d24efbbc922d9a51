import { THETA_LENGTH } from '@sonar/contracts';
import type { Batch } from '@sonar/model';
import { DedupWindow } from './dedup-window.ts';
import { RowBuffer } from './row-buffer.ts';

/**
 * Where the readings of the assigned partitions come in, before they are learnt
 * (by the trainer) or turned into gradients (by a parallel-mode worker): each
 * partition's position, its dedup window, and the rows waiting for a full mini-batch.
 */
export class Intake {
  /** Labeled, non-holdout readings waiting for a full mini-batch. */
  private readonly rows: RowBuffer;
  /** Partition → offset after the last record consumed (trained, skipped or rejected). */
  private readonly positions: Map<number, number>;
  /** Partition → where the reading ids before its start position are read from, to rebuild the dedup window. */
  private readonly warmups: Map<number, number>;
  private readonly windows = new Map<number, DedupWindow>();
  /** The window asked last: a batch is one partition's, so this spares a Map lookup per record. */
  private lastWindow: { partition: number; window: DedupWindow } | undefined;

  /**
   * `positions`: partition → offset of the next record to learn from, where this intake
   * starts; `warmups`: partition → the offset its reading ids are remembered from (before it).
   */
  constructor(
    batchSize: number,
    private readonly dedupWindow: number,
    positions: ReadonlyMap<number, number> = new Map(),
    warmups: ReadonlyMap<number, number> = new Map(),
  ) {
    this.positions = new Map(positions);
    this.warmups = new Map(warmups);
    this.rows = new RowBuffer(THETA_LENGTH, Math.max(1024, 4 * batchSize));
  }

  get buffered(): number {
    return this.rows.length;
  }

  /** Every record consumed moves its partition's position forward, whatever became of it; true when it moved. */
  consumed(partition: number, offset: number): boolean {
    if (offset + 1 <= this.position(partition)) return false;
    this.positions.set(partition, offset + 1);
    return true;
  }

  /** The offset of the next record to consume from a partition (records below it were seen). */
  position(partition: number): number {
    return this.positions.get(partition) ?? 0;
  }

  /** Where the records of a partition are read from: its position, or before it while its dedup window is rebuilt. */
  readFrom(partition: number): number {
    return Math.min(this.warmups.get(partition) ?? Number.POSITIVE_INFINITY, this.position(partition));
  }

  /** A reading id before the partition's start position, read to rebuild its dedup window. */
  rememberId(partition: number, offset: number, id: string): void {
    if (this.dedupWindow > 0) this.window(partition).remember(id, offset);
  }

  /** True when the reading id was seen within the window (a client's retry): it is not trained on again. */
  isRetry(partition: number, offset: number, id: string): boolean {
    if (this.dedupWindow === 0) return false;
    // Past the start position the warm-up is over; once every partition's is, nothing is left to delete.
    if (this.warmups.size > 0) this.warmups.delete(partition);
    return this.window(partition).seen(id, offset);
  }

  /** Where a reading's 60 features go: decode into `matrix` from `at`, then keep() it, or not. */
  nextRow(): { matrix: Float64Array; at: number } {
    return this.rows.nextRow();
  }

  /** The reading just decoded into nextRow() is one to learn: 1 = rock, 0 = mine. */
  keep(y: 0 | 1, partition: number, offset: number, arrivedAt: number): void {
    this.rows.keep(y, partition, offset, arrivedAt);
  }

  /** The first `n` waiting readings as a mini-batch: a view, valid until take(). */
  peek(n: number): Batch {
    return this.rows.peek(n);
  }

  /** The offsets of the first and the n-th waiting reading (one partition's intake: its mini-batch's range). */
  offsetRange(n: number): { fromOffset: number; toOffset: number } {
    return { fromOffset: this.rows.offsetAt(0), toOffset: this.rows.offsetAt(n - 1) };
  }

  take(n: number): void {
    this.rows.take(n);
  }

  oldestArrival(): number | undefined {
    return this.rows.oldestArrival();
  }

  /**
   * Partition → offset of the next record to read for a resumed run to see exactly
   * what this one would have: the first waiting reading of the partition, else the
   * position after everything consumed.
   */
  offsets(): Record<string, string> {
    const next = new Map(this.positions);
    for (const [partition, offset] of this.rows.firstOffsets()) next.set(partition, offset);
    return Object.fromEntries([...next].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), String(o)]));
  }

  /** The partition's waiting readings, when a partition's offsets are all that is asked. */
  offsetOf(partition: number): number {
    return Number(this.offsets()[String(partition)] ?? this.position(partition));
  }

  private window(partition: number): DedupWindow {
    if (this.lastWindow?.partition === partition) return this.lastWindow.window;
    let window = this.windows.get(partition);
    if (!window) this.windows.set(partition, (window = new DedupWindow(this.dedupWindow)));
    this.lastWindow = { partition, window };
    return window;
  }
}
