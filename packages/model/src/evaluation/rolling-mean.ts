/** The mean of the last `size` values: a windowed log-loss, say. NaN until something was recorded. */
export class RollingMean {
  private readonly values: Float64Array;
  private next = 0;
  private count = 0;

  constructor(size: number) {
    if (!(Number.isSafeInteger(size) && size >= 1)) throw new Error(`RollingMean: size must be a positive integer, got ${size}`);
    this.values = new Float64Array(size);
  }

  record(x: number): void {
    if (!Number.isFinite(x)) throw new Error(`RollingMean: a value must be finite, got ${x}`);
    this.values[this.next] = x;
    this.next = (this.next + 1) % this.values.length;
    if (this.count < this.values.length) this.count += 1;
  }

  /** Summed afresh each time (a window of a few hundred): no drift from adding and subtracting. */
  get value(): number {
    if (this.count === 0) return Number.NaN;
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += this.values[i]!;
    return sum / this.count;
  }
}
