import { textOfBytes } from '../text-of-bytes.ts';
import type { JsonScanner } from './json-scanner.ts';

// Local, not imported: V8 folds a module's own constants into compiled code, but loads imported ones.
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const E = 0x45;
const LOWER_E = 0x65;

export const MAX_EXACT_DIGITS = 15; // every integer of 15 digits is a double exactly
// 10^0 … 10^22 are doubles exactly; Number() rounds each literal correctly.
export const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * A JSON number into `s.value`: exactly the double JSON.parse gives. False, without
 * moving, when no JSON number starts here. Readings are mostly plain decimals of a
 * few digits (0.0371): those take this short loop, small enough to inline into the
 * caller's; an exponent or many digits go to the full reader.
 */
export function readNumber(s: JsonScanner): boolean {
  const bytes = s.bytes;
  let pos = s.pos;
  const negative = bytes[pos] === MINUS;
  if (negative) pos++;
  let mantissa = 0;
  let digits = 0;
  let c = bytes[pos] ?? -1;
  if (c === ZERO) c = bytes[++pos] ?? -1;
  else if (c > ZERO && c <= NINE) {
    for (; c >= ZERO && c <= NINE; c = bytes[++pos] ?? -1, digits++) mantissa = mantissa * 10 + (c - ZERO);
  } else return false;
  let fraction = 0;
  if (c === DOT) {
    for (c = bytes[++pos] ?? -1; c >= ZERO && c <= NINE; c = bytes[++pos] ?? -1, fraction++) {
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) digits++; // zeros before the first other digit are not significant
    }
    if (fraction === 0) return false;
  }
  if (c === LOWER_E || c === E || digits > MAX_EXACT_DIGITS || fraction > 22) return readNumberInFull(s);
  const magnitude = mantissa / POWERS_OF_TEN[fraction]!;
  s.value = negative ? -magnitude : magnitude;
  s.pos = pos;
  return true;
}

/**
 * Any JSON number into `s.value`, exactly the double JSON.parse gives. Clinger's fast
 * path: with at most 15 significant digits and a decimal exponent within ±22, the
 * digits m and 10^|e| are exact doubles, so the one correctly rounded operation
 * m·10^e or m/10^−e is the correctly rounded value. Other numbers go through
 * Number() on their text.
 */
function readNumberInFull(s: JsonScanner): boolean {
  const bytes = s.bytes;
  const start = s.pos;
  let pos = start;
  const negative = bytes[pos] === MINUS;
  if (negative) pos++;
  let mantissa = 0;
  let digits = 0; // significant ones: from the first non-zero digit on
  let exponent = 0;
  let c = bytes[pos] ?? -1;
  if (c === ZERO) c = bytes[++pos] ?? -1;
  else if (c > ZERO && c <= NINE) {
    for (; c >= ZERO && c <= NINE; c = bytes[++pos] ?? -1, digits++) mantissa = mantissa * 10 + (c - ZERO);
  } else return false;
  if (c === DOT) {
    c = bytes[++pos] ?? -1;
    if (!(c >= ZERO && c <= NINE)) return false;
    for (; c >= ZERO && c <= NINE; c = bytes[++pos] ?? -1, exponent--) {
      if (digits > 0 || c !== ZERO) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
      }
    }
  }
  if (c === LOWER_E || c === E) {
    c = bytes[++pos] ?? -1;
    const sign = c === MINUS ? -1 : 1;
    if (c === MINUS || c === PLUS) c = bytes[++pos] ?? -1;
    if (!(c >= ZERO && c <= NINE)) return false;
    let written = 0;
    // Past a million the value is 0 or Infinity whatever the digits: stop counting.
    for (; c >= ZERO && c <= NINE; c = bytes[++pos] ?? -1) if (written < 1e6) written = written * 10 + (c - ZERO);
    exponent += sign * written;
  }
  s.pos = pos;
  if (mantissa === 0) s.value = negative ? -0 : 0;
  else if (digits <= MAX_EXACT_DIGITS && exponent >= -22 && exponent <= 22) {
    const magnitude = exponent < 0 ? mantissa / POWERS_OF_TEN[-exponent]! : mantissa * POWERS_OF_TEN[exponent]!;
    s.value = negative ? -magnitude : magnitude;
  } else s.value = Number(textOfBytes(bytes, start, pos));
  return true;
}
