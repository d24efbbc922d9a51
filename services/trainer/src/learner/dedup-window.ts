import { hashOf, IdSet } from './id-set.ts';

/**
 * The reading ids of one partition's recent offsets: a reading whose id is among them
 * is a retry and is not trained on again. The offsets are cut into generations of
 * `size` (offset / size, rounded down), and the window holds the ids of the current
 * generation and the one before: between `size` and 2 × `size` offsets back. Cut by
 * offsets rather than by count, so that the decision for a record depends on the log
 * alone: a trainer resumed from a checkpoint rebuilds the same window by reading again
 * from `warmupFrom` on. Per reading, one insertion that says whether the id was there
 * and at most one lookup, in tables that are cleared, not rebuilt, when a generation
 * ends: this runs for every record.
 */
export class DedupWindow {
  private generation = Number.NEGATIVE_INFINITY;
  private current: IdSet;
  private previous: IdSet;

  constructor(private readonly size: number) {
    // A generation spans `size` offsets: at most `size` ids.
    this.current = new IdSet(size);
    this.previous = new IdSet(size);
  }

  /** Where the ids before a partition's start offset are read from, to rebuild its window. */
  static warmupFrom(offset: number, size: number): number {
    return (Math.floor(offset / size) - 1) * size;
  }

  /** True when `id` was seen within the window before `offset`; the id is remembered either way. */
  seen(id: string, offset: number): boolean {
    this.moveTo(offset);
    const hash = hashOf(id);
    const inCurrent = this.current.add(id, hash);
    return inCurrent || this.previous.has(id, hash);
  }

  /** Remembers an id without asking (the warm-up before a resumed partition's start offset). */
  remember(id: string, offset: number): void {
    this.moveTo(offset);
    this.current.add(id);
  }

  get length(): number {
    return this.current.size + this.previous.size;
  }

  private moveTo(offset: number): void {
    const generation = Math.floor(offset / this.size);
    if (generation === this.generation) return;
    // The older generation's table is cleared and reused as the new current one; after a
    // jump of more than one generation, nothing of the old ones stays.
    const older = this.previous;
    older.clear();
    if (generation !== this.generation + 1) this.current.clear();
    this.previous = this.current;
    this.current = older;
    this.generation = generation;
  }
}
