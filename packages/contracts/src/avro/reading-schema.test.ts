import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsingCanonicalForm } from './canonical-form.ts';
import { AVRO_HEADER, READING_AVRO_CANONICAL_FORM, READING_AVRO_FINGERPRINT } from './reading-schema.ts';

const published = JSON.parse(readFileSync(new URL('../../schemas/reading.avsc', import.meta.url), 'utf8')) as unknown;

describe('the reading schema', () => {
  it('as published in schemas/reading.avsc, is the one the codec is written for', () => {
    expect(parsingCanonicalForm(published)).toBe(READING_AVRO_CANONICAL_FORM);
  });

  it('keeps its fingerprint: producers in the wild write it into every record', () => {
    expect(Buffer.from(READING_AVRO_FINGERPRINT).toString('hex')).toBe('cc835f39b73fae0b');
    expect(Array.from(AVRO_HEADER.subarray(0, 2))).toEqual([0xc3, 0x01]);
  });
});
