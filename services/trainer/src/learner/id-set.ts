/**
 * A set of strings for the hot path: open addressing over typed arrays, keyed by a
 * 32-bit FNV-1a hash, the strings themselves compared on a hash match (so it is exact).
 * A JS Set costs about ten times as much per insertion here (its growth and rehashing
 * at every generation of ids), and this runs for every reading with an id.
 * clear() is O(1): a slot is in use only when its stamp is the current one.
 */
export class IdSet {
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly stamps: Int32Array;
  private readonly keys: (string | undefined)[];
  private stamp = 1;
  private count = 0;

  /** Room for `capacity` ids (the table is kept at most half full). */
  constructor(private readonly capacity: number) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, capacity * 2)));
    this.mask = slots - 1;
    this.hashes = new Int32Array(slots);
    this.stamps = new Int32Array(slots);
    this.keys = new Array<string | undefined>(slots);
  }

  get size(): number {
    return this.count;
  }

  has(id: string, hash = hashOf(id)): boolean {
    for (let slot = hash & this.mask; this.stamps[slot] === this.stamp; slot = (slot + 1) & this.mask) {
      if (this.hashes[slot] === hash && this.keys[slot] === id) return true;
    }
    return false;
  }

  /**
   * Adds the id, and says whether it was there already: one probe where has() then
   * add() would take two. Past the capacity it is only looked for (the caller rotates before that).
   */
  add(id: string, hash = hashOf(id)): boolean {
    let slot = hash & this.mask;
    for (; this.stamps[slot] === this.stamp; slot = (slot + 1) & this.mask) {
      if (this.hashes[slot] === hash && this.keys[slot] === id) return true;
    }
    if (this.count >= this.capacity) return false;
    this.stamps[slot] = this.stamp;
    this.hashes[slot] = hash;
    this.keys[slot] = id;
    this.count += 1;
    return false;
  }

  clear(): void {
    this.stamp += 1;
    this.count = 0;
    // The strings are dropped at the next write of their slot; a fresh table now and then frees them all.
    if (this.stamp === 0x7fffffff) {
      this.stamps.fill(0);
      this.keys.fill(undefined);
      this.stamp = 1;
    }
  }
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash;
}
