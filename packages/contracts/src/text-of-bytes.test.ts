import { describe, expect, it } from 'vitest';
import { textOfBytes } from './text-of-bytes.ts';

const utf8 = new TextEncoder();

/** `text` encoded between other bytes, as a field lies inside a record value. */
function inRecord(text: string, asBuffer: boolean): { bytes: Uint8Array; start: number; end: number } {
  const inner = utf8.encode(text);
  const whole = new Uint8Array(inner.length + 7);
  whole.fill(0xff);
  whole.set(inner, 3);
  // A view that does not start at its ArrayBuffer's start, as a Kafka record value.
  const bytes = asBuffer ? Buffer.from(whole.buffer, 1, whole.length - 1) : new Uint8Array(whole.buffer, 1, whole.length - 1);
  return { bytes, start: 2, end: 2 + inner.length };
}

describe('textOfBytes', () => {
  for (const asBuffer of [true, false]) {
    const kind = asBuffer ? 'a Buffer' : 'a plain Uint8Array';
    it(`reads ASCII of every length from 0 to 140 out of ${kind}`, () => {
      for (let length = 0; length <= 140; length++) {
        const text = Array.from({ length }, (_, i) => String.fromCharCode(0x20 + ((i * 7) % 95))).join('');
        const { bytes, start, end } = inRecord(text, asBuffer);
        expect(textOfBytes(bytes, start, end)).toBe(text);
      }
    });

    it(`reads UTF-8 beyond ASCII, short and long, out of ${kind}`, () => {
      for (const text of ['é', 'sonar-ü-1', 'a-36-character-id-with-ümlauts-00001', '\uFEFFbom', '🛰️'.repeat(40)]) {
        const { bytes, start, end } = inRecord(text, asBuffer);
        expect(textOfBytes(bytes, start, end)).toBe(text);
      }
    });
  }

  it('refuses bytes that are not UTF-8, at any length, where latin1 would have read them', () => {
    for (const length of [1, 12, 13, 36, 129]) {
      const bytes = Buffer.alloc(length, 0x61);
      bytes[length - 1] = 0xe9; // latin1 é, a lone continuation-less lead byte in UTF-8
      expect(textOfBytes(bytes, 0, length)).toBeUndefined();
    }
  });
});
