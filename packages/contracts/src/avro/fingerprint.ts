/**
 * CRC-64-AVRO, the Rabin fingerprint the Avro specification defines for schemas
 * ("Schema Fingerprints"): computed over a schema's Parsing Canonical Form, it is
 * what single-object encoding puts after the C3 01 marker.
 */
const EMPTY = 0xc15d213aa4d7a795n;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let bit = 0; bit < 8; bit++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
  return fp;
});

/** The fingerprint as an unsigned 64-bit integer (Java prints the same bits as a signed long). */
export function crc64Avro(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const byte of bytes) fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(byte)) & 0xffn)]!;
  return fp;
}

/** The fingerprint of a schema's canonical form, as the 8 little-endian bytes of the single-object header. */
export function schemaFingerprint(canonicalForm: string): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, crc64Avro(new TextEncoder().encode(canonicalForm)), true);
  return bytes;
}
