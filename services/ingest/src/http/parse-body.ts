import { decodeReadingText, jsonParseFailure, readingFromJson, reject, type Decoded, type Reading } from '@sonar/contracts';

/**
 * A POST /readings body as a list of decoded items: one JSON reading, a JSON
 * array of them, or CSV lines of the UCI file (one reading per line).
 */
export function parseReadingsBody(body: string, contentType: string): Decoded<Reading>[] {
  if (contentType.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return [jsonParseFailure(body, error)];
    }
    if (Array.isArray(parsed)) {
      return parsed.length === 0 ? [reject('empty', 'the array holds no readings')] : parsed.map(readingFromJson);
    }
    return [readingFromJson(parsed)];
  }
  const lines = body.split(/\r?\n/).filter((line) => line.trim().length > 0);
  return lines.length === 0 ? [reject('empty', 'the body holds no readings')] : lines.map(decodeReadingText);
}
