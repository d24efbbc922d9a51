import { describe, expect, it } from 'vitest';
import { parsingCanonicalForm } from './canonical-form.ts';
import { crc64Avro, schemaFingerprint } from './fingerprint.ts';

// Test vectors of the Avro project (share/test/data/schema-tests.txt): input schema,
// its Parsing Canonical Form, and its CRC-64-AVRO fingerprint as Java's signed long.
const VECTORS: [string, string, bigint][] = [
  ['"null"', '"null"', 7195948357588979594n],
  ['{"type":"boolean"}', '"boolean"', -6970731678124411036n],
  ['"int"', '"int"', 8247732601305521295n],
  ['{"type":"long"}', '"long"', -3434872931120570953n],
  ['"double"', '"double"', -8181574048448539266n],
  ['"string"', '"string"', -8142146995180207161n],
  ['[  ]', '[]', -1241056759729112623n],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', 5392556393470105090n],
  ['{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}', '{"name":"x.y.foo","type":"record","fields":[]}', 5916914534497305771n],
  ['{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}', '{"name":"a.b.foo","type":"record","fields":[]}', -4616218487480524110n],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  [
    '{"fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true}, {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    -4860222112080293046n,
  ],
  ['{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}', '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}', -4448647247586288245n],
  ['{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}', '{"name":"x.y.z.foo","type":"fixed","size":32}', -3064184465700546786n],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', -589620603366471059n],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', -8732877298790414990n],
  [
    '{"name":"PigValue","type":"record", "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    -1759257747318642341n,
  ],
];

describe('Parsing Canonical Form and CRC-64-AVRO', () => {
  it.each(VECTORS)('%s', (input, canonical, fingerprint) => {
    expect(parsingCanonicalForm(JSON.parse(input))).toBe(canonical);
    expect(BigInt.asIntN(64, crc64Avro(new TextEncoder().encode(canonical)))).toBe(fingerprint);
  });

  it('strips logical types, as the specification strips every attribute it does not list', () => {
    expect(parsingCanonicalForm({ type: 'long', logicalType: 'timestamp-millis' })).toBe('"long"');
  });

  it('gives names in nested types the namespace of the record around them', () => {
    const schema = { type: 'record', name: 'R', namespace: 'a', fields: [{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['X'] } }, { name: 'f', type: 'E' }] };
    expect(parsingCanonicalForm(schema)).toBe('{"name":"a.R","type":"record","fields":[{"name":"e","type":{"name":"a.E","type":"enum","symbols":["X"]}},{"name":"f","type":"a.E"}]}');
  });

  it('writes the fingerprint little-endian, as single-object encoding does', () => {
    // Avro's Ruby tests: the single-object header of "int" is C3 01 8F 5C 39 3F 1A D5 75 72.
    expect(Array.from(schemaFingerprint('"int"'))).toEqual([0x8f, 0x5c, 0x39, 0x3f, 0x1a, 0xd5, 0x75, 0x72]);
  });

  it('throws on something that is not a schema', () => {
    expect(() => parsingCanonicalForm(42)).toThrow(TypeError);
    expect(() => parsingCanonicalForm({ type: 'record', fields: [] })).toThrow(/name/);
  });
});
