import type { Batch } from '@sonar/model';

/**
 * The readings waiting to be learnt, as rows of one design matrix (bias column
 * first): decoders write a reading's features straight into its row, and a
 * mini-batch is a view of consecutive rows, so no reading is copied or allocated
 * on its way from the record to the optimizer. Rows are appended at the tail and
 * taken from the head; the live rows move to the front when the tail reaches the end.
 */
export class RowBuffer {
  private x: Float64Array;
  private y: Float64Array;
  private partitions: Int32Array;
  private offsetsOf: Float64Array;
  private arrivals: Float64Array;
  private head = 0;
  private tail = 0;

  constructor(
    private readonly d: number,
    private capacity: number,
  ) {
    this.x = RowBuffer.matrix(capacity, d);
    this.y = new Float64Array(capacity);
    this.partitions = new Int32Array(capacity);
    this.offsetsOf = new Float64Array(capacity);
    this.arrivals = new Float64Array(capacity);
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** The matrix and the index where the next row's features go (after its bias column); write, then keep() or not. */
  nextRow(): { matrix: Float64Array; at: number } {
    if (this.tail === this.capacity) this.makeRoom();
    return { matrix: this.x, at: this.tail * this.d + 1 };
  }

  /** The row written last becomes a reading to learn. */
  keep(y: 0 | 1, partition: number, offset: number, arrivedAt: number): void {
    const row = this.tail;
    this.y[row] = y;
    this.partitions[row] = partition;
    this.offsetsOf[row] = offset;
    this.arrivals[row] = arrivedAt;
    this.tail += 1;
  }

  /** The first `n` waiting rows as a mini-batch: a view, valid until the buffer is changed. */
  peek(n: number): Batch {
    const start = this.head * this.d;
    return { x: this.x.subarray(start, start + n * this.d), y: this.y.subarray(this.head, this.head + n), n, d: this.d };
  }

  /** The first `n` waiting rows are learnt (or refused): they leave the buffer. */
  take(n: number): void {
    this.head += n;
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  /** The offset of the i-th waiting reading (0: the oldest). */
  offsetAt(i: number): number {
    return this.offsetsOf[this.head + i]!;
  }

  /** When the oldest waiting reading arrived (undefined when none waits). */
  oldestArrival(): number | undefined {
    return this.length > 0 ? this.arrivals[this.head] : undefined;
  }

  /** Partition → offset of its first waiting reading. */
  firstOffsets(): Map<number, number> {
    const first = new Map<number, number>();
    for (let row = this.head; row < this.tail; row++) {
      const partition = this.partitions[row]!;
      if (!first.has(partition)) first.set(partition, this.offsetsOf[row]!);
    }
    return first;
  }

  /** Live rows to the front; twice the room when they fill the buffer. */
  private makeRoom(): void {
    const live = this.length;
    if (live * 2 > this.capacity) {
      this.capacity *= 2;
      this.x = copyRows(this.x, RowBuffer.matrix(this.capacity, this.d), this.head, live, this.d);
      this.y = copyInto(this.y, new Float64Array(this.capacity), this.head, live);
      this.partitions = copyInto(this.partitions, new Int32Array(this.capacity), this.head, live);
      this.offsetsOf = copyInto(this.offsetsOf, new Float64Array(this.capacity), this.head, live);
      this.arrivals = copyInto(this.arrivals, new Float64Array(this.capacity), this.head, live);
    } else {
      this.x.copyWithin(0, this.head * this.d, this.tail * this.d);
      for (const column of [this.y, this.partitions, this.offsetsOf, this.arrivals]) column.copyWithin(0, this.head, this.tail);
    }
    this.head = 0;
    this.tail = live;
  }

  /** A matrix of `rows` rows whose bias column is 1 already. */
  private static matrix(rows: number, d: number): Float64Array {
    const x = new Float64Array(rows * d);
    for (let row = 0; row < rows; row++) x[row * d] = 1;
    return x;
  }
}

function copyRows(from: Float64Array, to: Float64Array, head: number, rows: number, d: number): Float64Array {
  to.set(from.subarray(head * d, (head + rows) * d));
  return to;
}

function copyInto<T extends Float64Array | Int32Array>(from: T, to: T, head: number, rows: number): T {
  to.set(from.subarray(head, head + rows));
  return to;
}
