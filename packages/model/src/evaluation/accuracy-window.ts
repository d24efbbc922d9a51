/** Share of correct predictions among the last `size` ones: progressive accuracy. */
export class AccuracyWindow {
  private readonly hits: Uint8Array;
  private next = 0;
  private count = 0;
  private correct = 0;

  constructor(size: number) {
    this.hits = new Uint8Array(size);
  }

  record(hit: boolean): void {
    if (this.count === this.hits.length) this.correct -= this.hits[this.next]!;
    else this.count += 1;
    this.hits[this.next] = hit ? 1 : 0;
    this.correct += hit ? 1 : 0;
    this.next = (this.next + 1) % this.hits.length;
  }

  /** NaN until something was recorded. */
  get value(): number {
    return this.count === 0 ? Number.NaN : this.correct / this.count;
  }
}
