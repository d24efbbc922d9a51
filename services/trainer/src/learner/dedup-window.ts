/**
 * The reading ids of one partition's last `size` offsets: a reading whose id is among
 * them is a retry and is not trained on again. By offset range rather than by count, so
 * that the decision for a record depends on the log alone: a trainer resumed from a
 * checkpoint rebuilds the same window by reading the `size` offsets before it.
 */
export class DedupWindow {
  private readonly ids = new Map<string, number>();
  private readonly offsets: number[] = [];
  private readonly order: string[] = [];
  private head = 0;

  constructor(private readonly size: number) {}

  /** True when `id` was seen within the window before `offset`; the id is remembered either way. */
  seen(id: string, offset: number): boolean {
    this.evictBefore(offset - this.size);
    const seen = this.ids.has(id);
    this.remember(id, offset);
    return seen;
  }

  /** Remembers an id without asking (the warm-up before a resumed partition's checkpoint offset). */
  remember(id: string, offset: number): void {
    this.evictBefore(offset - this.size);
    this.ids.set(id, (this.ids.get(id) ?? 0) + 1);
    this.offsets.push(offset);
    this.order.push(id);
  }

  get length(): number {
    return this.order.length - this.head;
  }

  private evictBefore(offset: number): void {
    while (this.head < this.order.length && this.offsets[this.head]! < offset) {
      const id = this.order[this.head]!;
      const count = this.ids.get(id)! - 1;
      if (count === 0) this.ids.delete(id);
      else this.ids.set(id, count);
      this.head += 1;
    }
    // Compact now and then, so the arrays do not grow without end.
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.offsets.splice(0, this.head);
      this.head = 0;
    }
  }
}
