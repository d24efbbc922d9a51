// Bytes of the JSON grammar.
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const MINUS = 0x2d;
export const ZERO = 0x30;
export const NINE = 0x39;
export const COLON = 0x3a;
export const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

const EMPTY = new Uint8Array(0);

/**
 * A one-pass reader of the JSON subset readings are written in: ASCII, strings
 * without escapes, JSON's four whitespace bytes. Every read returns false (or -1)
 * on anything outside that subset, valid JSON or not, and the caller then defers
 * to JSON.parse, so none needs to know why. One scanner is reused per decoder
 * (decoding is synchronous and never re-entered).
 */
export class JsonScanner {
  bytes: Uint8Array = EMPTY;
  pos = 0;
  /** The last number read. */
  value = 0;

  reset(bytes: Uint8Array): this {
    this.bytes = bytes;
    this.pos = 0;
    return this;
  }

  /** The byte at the position, -1 past the end. */
  peek(): number {
    return this.bytes[this.pos] ?? -1;
  }

  take(byte: number): boolean {
    if (this.bytes[this.pos] !== byte) return false;
    this.pos++;
    return true;
  }

  skipSpace(): void {
    for (let c = this.peek(); c === SPACE || c === LINE_FEED || c === CARRIAGE_RETURN || c === TAB; c = this.peek()) this.pos++;
  }

  /** At an opening quote: moves past the string and returns where its content ends; -1 for escapes, control or non-ASCII bytes. */
  string(): number {
    const bytes = this.bytes;
    if (bytes[this.pos] !== QUOTE) return -1;
    for (let i = this.pos + 1; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === QUOTE) {
        this.pos = i + 1;
        return i;
      }
      if (c === BACKSLASH || c < SPACE || c >= 0x80) return -1;
    }
    return -1;
  }

  /** `word` (true, false, null) at the position, moving past it. */
  literal(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.bytes[this.pos + i] !== word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }
}
