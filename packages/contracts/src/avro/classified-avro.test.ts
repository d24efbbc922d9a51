import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../test-support/classified-events.ts';
import { decodeClassified, encodeClassified } from '../classified.ts';
import { parsingCanonicalForm } from './canonical-form.ts';
import { CLASSIFIED_AVRO_CANONICAL_FORM, decodeClassifiedAvro, encodeClassifiedAvro, isClassifiedAvro } from './classified-avro.ts';
import { AVRO_HEADER } from './reading-schema.ts';

const published = JSON.parse(readFileSync(new URL('../../schemas/classified.avsc', import.meta.url), 'utf8')) as unknown;

describe('classified events in Avro', () => {
  it('as published in schemas/classified.avsc, are the schema the codec is written for', () => {
    expect(parsingCanonicalForm(published)).toBe(CLASSIFIED_AVRO_CANONICAL_FORM);
  });

  it.each(EVENTS.map((e) => [e.id, e] as const))('decode to the event written (%s), as its JSON does', (_id, event) => {
    const bytes = encodeClassifiedAvro(event);
    expect(isClassifiedAvro(bytes)).toBe(true);
    expect(decodeClassifiedAvro(bytes)).toEqual(event);
    expect(decodeClassified(bytes)).toEqual(event);
    expect(decodeClassified(encodeClassified(event))).toEqual(event);
    expect(decodeClassified(Buffer.from(encodeClassified(event)))).toEqual(event);
  });

  it('are never written with a NaN or an infinity', () => {
    expect(() => encodeClassifiedAvro({ ...EVENTS[0]!, probability: Number.NaN })).toThrow(/non-finite/);
    expect(() => encodeClassifiedAvro({ ...EVENTS[0]!, readingTs: Infinity })).toThrow(/non-finite/);
  });

  it('refuse bytes that are not one: cut at any byte, a trailing byte, a reading, bad indexes', () => {
    const bytes = encodeClassifiedAvro(EVENTS[0]!);
    for (let n = 0; n < bytes.length; n++) expect(() => decodeClassifiedAvro(bytes.subarray(0, n)), `cut at ${n}`).toThrow(/Avro classified event/);
    expect(() => decodeClassifiedAvro(Buffer.concat([bytes, Buffer.of(0)]))).toThrow(/well-formed/);
    expect(() => decodeClassifiedAvro(Buffer.concat([AVRO_HEADER, bytes.subarray(10)]))).toThrow(/fingerprint/);
    const badLabel = Buffer.from(bytes);
    badLabel[10 + 1 + 'r-000017'.length] = 4; // label enum index 2
    expect(() => decodeClassifiedAvro(badLabel)).toThrow(/well-formed/);
    const badHoldout = Buffer.from(bytes);
    badHoldout[badHoldout.length - 1] = 2;
    expect(() => decodeClassifiedAvro(badHoldout)).toThrow(/well-formed/);
  });
});
