import { textOfBytes } from '../text-of-bytes.ts';

const EMPTY = new Uint8Array(0);

/**
 * A read position in one Avro datum. The decoder reuses a single cursor for every
 * record (decoding is synchronous and never re-entered), and keeps the DataView of
 * the last buffer: Kafka record values of a batch share one, so the hot path
 * allocates nothing. Reads past the end, and malformed varints, give NaN, which
 * every caller's range check refuses.
 */
export class AvroCursor {
  bytes: Uint8Array = EMPTY;
  view: DataView = new DataView(EMPTY.buffer);
  /** Where `bytes` starts in `view`. */
  base = 0;
  pos = 0;
  /** Whether every double the last doublesInto wrote was finite: then no second pass is needed to check. */
  allFinite = true;

  reset(bytes: Uint8Array, pos: number): this {
    if (this.view.buffer !== bytes.buffer) this.view = new DataView(bytes.buffer);
    this.bytes = bytes;
    this.base = bytes.byteOffset;
    this.pos = pos;
    return this;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  byte(): number {
    return this.pos < this.bytes.length ? this.bytes[this.pos++]! : Number.NaN;
  }

  /**
   * A zigzag varint long, exact up to 2^53 and approximate beyond (the callers' ranges
   * stop sooner). NaN for a varint cut short or past 64 bits (a tenth byte above 1).
   */
  long(): number {
    let raw = 0;
    let negative = false;
    for (let i = 0, scale = 1; i < 10; i++, scale *= 0x80) {
      const byte = this.byte();
      if (byte !== byte || (i === 9 && byte > 1)) return Number.NaN;
      if (i === 0) negative = (byte & 1) === 1;
      raw += (byte & 0x7f) * scale;
      if (byte < 0x80) return negative ? -(raw + 1) / 2 : raw / 2;
    }
    return Number.NaN; // not reached: a tenth byte of 0 or 1 ends the varint
  }

  /** A double (little-endian IEEE 754); NaN when cut short (and, as a value, when it is one). */
  double(): number {
    if (this.remaining < 8) return Number.NaN;
    const x = this.view.getFloat64(this.base + this.pos, true);
    this.pos += 8;
    return x;
  }

  /** A string: its byte length, then UTF-8. Undefined for a bad length or bad UTF-8. */
  string(): string | undefined {
    const length = this.long();
    if (!(length >= 0 && length <= this.remaining)) return undefined;
    const start = this.pos;
    this.pos += length;
    return textOfBytes(this.bytes, start, this.pos);
  }

  /**
   * The blocks of an array of doubles (little-endian IEEE 754), the first `limit`
   * items into `target` from `offset`. A negative block count is followed by the
   * block's size in bytes, here 8 per item. Returns the item count, or -1 when the
   * blocks are malformed.
   */
  doublesInto(target: Float64Array, offset: number, limit: number): number {
    let count = 0;
    let poison = 0; // x - x is 0 for a finite x, NaN otherwise
    for (;;) {
      let items = this.long();
      if (items === 0) {
        this.allFinite = poison === 0;
        return count;
      }
      if (items < 0) {
        items = -items;
        if (this.long() !== items * 8) return -1;
      }
      if (!(items * 8 <= this.remaining)) return -1;
      const view = this.view;
      const start = this.base + this.pos;
      const writable = Math.min(items, limit - count);
      for (let i = 0; i < writable; i++) {
        const x = view.getFloat64(start + 8 * i, true);
        target[offset + count + i] = x;
        poison += x - x;
      }
      this.pos += 8 * items;
      count += items;
    }
  }
}
