import { readNumber } from './json-number.ts';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, MINUS, NINE, OPEN_BRACE, OPEN_BRACKET, QUOTE, ZERO, type JsonScanner } from './json-scanner.ts';

const MAX_DEPTH = 32;

/** Any JSON value of the scanner's subset, checked as JSON.parse would and passed over: a field readings do not use. */
export function skipJsonValue(s: JsonScanner, depth = 0): boolean {
  const c = s.peek();
  if (c === QUOTE) return s.string() >= 0;
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return depth < MAX_DEPTH && skipContainer(s, c === OPEN_BRACE, depth + 1);
  if (c === MINUS || (c >= ZERO && c <= NINE)) return readNumber(s);
  return s.literal('true') || s.literal('false') || s.literal('null');
}

function skipContainer(s: JsonScanner, isObject: boolean, depth: number): boolean {
  const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
  s.pos++;
  s.skipSpace();
  if (s.take(close)) return true;
  for (;;) {
    if (isObject) {
      if (s.string() < 0) return false;
      s.skipSpace();
      if (!s.take(COLON)) return false;
      s.skipSpace();
    }
    if (!skipJsonValue(s, depth)) return false;
    s.skipSpace();
    if (s.take(close)) return true;
    if (!s.take(COMMA)) return false;
    s.skipSpace();
  }
}
