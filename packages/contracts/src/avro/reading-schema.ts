import { schemaFingerprint } from './fingerprint.ts';

/**
 * The Parsing Canonical Form of schemas/reading.avsc: exactly the layout the Avro
 * encoder and decoder are written for, field by field (a test holds the published
 * file to it). Changing the schema means changing them too.
 */
export const READING_AVRO_CANONICAL_FORM =
  '{"name":"sonar.Reading","type":"record","fields":[' +
  '{"name":"id","type":["null","string"]},' +
  '{"name":"features","type":{"type":"array","items":"double"}},' +
  '{"name":"label","type":["null",{"name":"sonar.Label","type":"enum","symbols":["R","M"]}]},' +
  '{"name":"holdout","type":"boolean"},' +
  '{"name":"ts","type":["null","long"]}]}';

export const READING_AVRO_FINGERPRINT = schemaFingerprint(READING_AVRO_CANONICAL_FORM);

/** Single-object encoding: the marker C3 01 (format version 1), then the schema's fingerprint. */
export const AVRO_MARKER = [0xc3, 0x01] as const;
export const AVRO_HEADER = Uint8Array.of(...AVRO_MARKER, ...READING_AVRO_FINGERPRINT);

/** The enum's symbols, in the order of their indexes on the wire. */
export const LABEL_SYMBOLS = ['R', 'M'] as const;

export function hasAvroMarker(bytes: Uint8Array): boolean {
  return bytes[0] === AVRO_MARKER[0] && bytes[1] === AVRO_MARKER[1];
}
