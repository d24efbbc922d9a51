import { FEATURE_COUNT, labelOfByte, type DecodedHeader, type Label } from '../reading.ts';
import { readNumber } from './json-number.ts';
import { JsonScanner } from './json-scanner.ts';

const scanner = new JsonScanner();

const COMMA = 0x2c; // local, not imported: see json-number.ts

/**
 * One line of the UCI file (60 numbers, optionally ,R or ,M) in one pass over its
 * bytes, the features straight into `target` from `offset`. The numbers must be
 * in JSON's grammar, for which Number() (the exact path's parser) gives the same
 * double. Undefined for anything else (leading zeros, hex, Infinity, empty
 * fields, a bad count or label, non-ASCII, whitespace beyond JSON's four bytes):
 * the exact path (split and Number) decides those, reason and message included.
 */
export function decodeCsvReadingFast(bytes: Uint8Array, target: Float64Array, offset: number): DecodedHeader | undefined {
  const s = scanner.reset(bytes);
  for (let i = 0; i < FEATURE_COUNT; i++) {
    if (i > 0 && !s.take(COMMA)) return undefined;
    s.skipSpace();
    if (!readNumber(s) || !Number.isFinite(s.value)) return undefined;
    target[offset + i] = s.value;
    s.skipSpace();
  }
  let label: Label | undefined;
  if (s.take(COMMA)) {
    s.skipSpace();
    label = labelOfByte(s.peek());
    if (label === undefined) return undefined;
    s.pos++;
    s.skipSpace();
  }
  return s.pos === bytes.length ? { ok: true, id: undefined, label, holdout: false, ts: undefined } : undefined;
}
