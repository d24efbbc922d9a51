/** Zigzag varint, exact for every safe integer (arithmetic, not 32-bit shifts). */
export function writeLong(out: Uint8Array, pos: number, value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  while (raw >= 0x80) {
    out[pos++] = (raw % 0x80) | 0x80;
    raw = Math.floor(raw / 0x80);
  }
  out[pos++] = raw;
  return pos;
}

/** The most bytes a long takes as a zigzag varint. */
export const MAX_VARINT_BYTES = 10;
