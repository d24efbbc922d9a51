import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, deadLetterMessage } from './dead-letter.ts';

const source = { service: 'trainer', topic: 'sonar.readings', partition: 2 };
const rejected = (value: Buffer | null, key: Buffer | null = Buffer.from('k')) => ({ record: { key, value, offset: '17', timestamp: '0' }, reason: 'too_large' as const, message: 'too big' });
const limits = { maxValueBytes: 1000, maxKeyBytes: 100, prefixBytes: 64 };

describe('deadLetterMessage', () => {
  it('carries the key and value unchanged, the reason and the source in headers', () => {
    const letter = deadLetterMessage(rejected(Buffer.from('{"features": [1')), source, limits);
    expect(letter.value).toEqual(Buffer.from('{"features": [1'));
    expect(letter.key).toEqual(Buffer.from('k'));
    expect(letter.headers).toEqual({
      [DEAD_LETTER_HEADERS.reason]: 'too_large',
      [DEAD_LETTER_HEADERS.message]: 'too big',
      [DEAD_LETTER_HEADERS.service]: 'trainer',
      [DEAD_LETTER_HEADERS.topic]: 'sonar.readings',
      [DEAD_LETTER_HEADERS.partition]: '2',
      [DEAD_LETTER_HEADERS.offset]: '17',
    });
  });

  it('cuts a value too large for the dead-letter topic to a prefix, and says so with its size and SHA-256', () => {
    const value = Buffer.alloc(5_000_000, 0x41);
    const letter = deadLetterMessage(rejected(value), source, limits);
    expect(letter.value).toEqual(value.subarray(0, 64));
    expect(letter.headers[DEAD_LETTER_HEADERS.truncated]).toBe('value');
    expect(letter.headers[DEAD_LETTER_HEADERS.originalValueBytes]).toBe('5000000');
    expect(letter.headers[DEAD_LETTER_HEADERS.originalValueSha256]).toBe(createHash('sha256').update(value).digest('hex'));
  });

  it('cuts a huge key too, and keeps a tombstone a tombstone', () => {
    const letter = deadLetterMessage(rejected(null, Buffer.alloc(500, 1)), source, limits);
    expect(letter.value).toBeNull();
    expect(letter.key).toHaveLength(64);
    expect(letter.headers[DEAD_LETTER_HEADERS.truncated]).toBe('key');
    expect(letter.headers[DEAD_LETTER_HEADERS.originalKeyBytes]).toBe('500');
  });

  it('keeps a value exactly at the limit whole', () => {
    const letter = deadLetterMessage(rejected(Buffer.alloc(1000, 2)), source, limits);
    expect(letter.value).toHaveLength(1000);
    expect(letter.headers[DEAD_LETTER_HEADERS.truncated]).toBeUndefined();
  });
});
