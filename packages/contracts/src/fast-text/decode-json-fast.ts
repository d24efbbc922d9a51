import { FEATURE_COUNT, labelOfByte, validId, type DecodedHeader, type Label } from '../reading.ts';
import { textOfBytes } from '../text-of-bytes.ts';
import { MAX_EXACT_DIGITS, POWERS_OF_TEN, readNumber } from './json-number.ts';
import { JsonScanner } from './json-scanner.ts';
import { skipJsonValue } from './skip-json-value.ts';

const scanner = new JsonScanner();

// Local, not imported: V8 folds a module's own constants into compiled code, but loads imported ones.
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

// A reading's fields as bits, to notice one given twice (JSON.parse keeps the last).
const ID = 1;
const FEATURES = 2;
const LABEL = 4;
const HOLDOUT = 8;
const TS = 16;
const field = (name: string, bit: number): [Uint8Array, number] => [new TextEncoder().encode(name), bit];
const FIELDS = [field('features', FEATURES), field('id', ID), field('label', LABEL), field('ts', TS), field('holdout', HOLDOUT)];

/**
 * A JSON reading as producers commonly write it, decoded in one pass over its
 * bytes, the features straight into `target` from `offset`. Undefined for anything
 * else (escapes, non-ASCII, a field given twice, a value the rules refuse, broken
 * JSON): the exact path (JSON.parse, then readingFromJson) decides those, reason
 * and message included. So what this accepts, it decodes as the exact path does.
 */
export function decodeJsonReadingFast(bytes: Uint8Array, target: Float64Array, offset: number): DecodedHeader | undefined {
  const s = scanner.reset(bytes);
  s.skipSpace();
  if (!s.take(OPEN_BRACE)) return undefined;
  let seen = 0;
  let id: string | undefined;
  let label: Label | undefined;
  let holdout = false;
  let ts: number | undefined;
  do {
    s.skipSpace();
    const keyStart = s.pos + 1;
    const keyEnd = s.string();
    if (keyEnd < 0) return undefined;
    const field = fieldAt(bytes, keyStart, keyEnd);
    if ((seen & field) !== 0) return undefined;
    seen |= field;
    s.skipSpace();
    if (!s.take(COLON)) return undefined;
    s.skipSpace();
    if (field === FEATURES) {
      if (!readFeatures(s, target, offset)) return undefined;
    } else if (field === 0) {
      if (!skipJsonValue(s)) return undefined; // unknown fields are ignored, as readingFromJson does
    } else if (s.literal('null')) {
      // an optional field given as null is absent
    } else if (field === ID) {
      const start = s.pos + 1;
      const end = s.string();
      id = end < 0 ? undefined : textOfBytes(bytes, start, end);
      if (!validId(id)) return undefined;
    } else if (field === LABEL) {
      const start = s.pos + 1;
      const end = s.string();
      label = end === start + 1 ? labelOfByte(bytes[start]!) : undefined;
      if (label === undefined) return undefined;
    } else if (field === HOLDOUT) {
      holdout = s.literal('true');
      if (!holdout && !s.literal('false')) return undefined;
    } else {
      if (!readNumber(s) || !(s.value >= 0 && Number.isFinite(s.value))) return undefined;
      ts = s.value;
    }
    s.skipSpace();
  } while (s.take(COMMA));
  if (!s.take(CLOSE_BRACE)) return undefined;
  s.skipSpace();
  if (s.pos !== bytes.length || (seen & FEATURES) === 0) return undefined;
  return { ok: true, id, label, holdout, ts };
}

/**
 * Exactly 60 finite numbers in brackets. Most features are short plain decimals right
 * after a bracket or comma (0.0371,): those are read here over local variables, as
 * readNumber would read them (the same digits, the same one division, so the same
 * double); anything else at a feature (a sign, spaces, an exponent, many digits, a
 * broken number) is read by the general steps from where it starts.
 */
function readFeatures(s: JsonScanner, target: Float64Array, offset: number): boolean {
  const bytes = s.bytes;
  let pos = s.pos;
  if (bytes[pos] !== OPEN_BRACKET) return false;
  pos++;
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const separator = i === FEATURE_COUNT - 1 ? CLOSE_BRACKET : COMMA;
    let p = pos;
    let c = bytes[p] ?? -1;
    let mantissa = 0;
    let digits = 0; // all of them, leading zeros too: fewer than 16 keep the mantissa exact
    let fraction = 0;
    if (c === ZERO) {
      c = bytes[++p] ?? -1;
      digits = 1;
    } else {
      for (; c >= ZERO && c <= NINE; c = bytes[++p] ?? -1, digits++) mantissa = mantissa * 10 + (c - ZERO);
    }
    const wholeDigits = digits; // JSON has no ".5": a digit comes before the point
    if (c === DOT) {
      for (c = bytes[++p] ?? -1; c >= ZERO && c <= NINE; c = bytes[++p] ?? -1, fraction++, digits++) mantissa = mantissa * 10 + (c - ZERO);
    }
    if (c === separator && wholeDigits > 0 && digits <= MAX_EXACT_DIGITS && (fraction > 0 || bytes[p - 1] !== DOT)) {
      target[offset + i] = mantissa / POWERS_OF_TEN[fraction]!;
      pos = p + 1;
      continue;
    }
    // Not the short form: the general steps, from the feature's first byte.
    s.pos = pos;
    s.skipSpace();
    if (!readNumber(s) || !Number.isFinite(s.value)) return false;
    target[offset + i] = s.value;
    s.skipSpace();
    if (!s.take(separator)) return false;
    pos = s.pos;
  }
  s.pos = pos;
  return true;
}

function fieldAt(bytes: Uint8Array, start: number, end: number): number {
  for (const [name, bit] of FIELDS) {
    if (name.length !== end - start) continue;
    let i = 0;
    while (i < name.length && bytes[start + i] === name[i]) i++;
    if (i === name.length) return bit;
  }
  return 0;
}
