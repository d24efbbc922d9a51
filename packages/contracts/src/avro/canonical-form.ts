/**
 * The Parsing Canonical Form of an Avro schema (Avro specification, "Parsing
 * Canonical Form for Schemas"): only what decides how bytes parse, in a fixed
 * order, without whitespace, so equal schemas get equal fingerprints.
 * Throws on a value that is not an Avro schema: this reads schemas, never records.
 */
export function parsingCanonicalForm(schema: unknown): string {
  return canonical(schema, '');
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

type SchemaObject = Record<string, unknown>;

function canonical(schema: unknown, namespace: string): string {
  if (typeof schema === 'string') return JSON.stringify(PRIMITIVES.has(schema) ? schema : fullName(schema, namespace));
  if (Array.isArray(schema)) return `[${schema.map((branch) => canonical(branch, namespace)).join(',')}]`;
  if (typeof schema !== 'object' || schema === null) throw new TypeError(`not an Avro schema: ${JSON.stringify(schema)}`);
  const object = schema as SchemaObject;
  const type = object.type;
  // [PRIMITIVES] and [STRIP]: {"type":"long","logicalType":...} is just "long".
  if (typeof type === 'string' && PRIMITIVES.has(type)) return JSON.stringify(type);
  switch (type) {
    case 'array':
      return `{"type":"array","items":${canonical(object.items, namespace)}}`;
    case 'map':
      return `{"type":"map","values":${canonical(object.values, namespace)}}`;
    case 'record':
    case 'enum':
    case 'fixed':
      return named(object, type, namespace);
    default:
      // {"type": "some.Name"}: a reference to a named type, written as an object.
      if (typeof type === 'string') return canonical(type, namespace);
      throw new TypeError(`not an Avro schema: ${JSON.stringify(schema)}`);
  }
}

// [ORDER]: name, type, then fields, symbols or size; [FULLNAMES]: names carry their namespace.
function named(object: SchemaObject, type: 'record' | 'enum' | 'fixed', enclosing: string): string {
  if (typeof object.name !== 'string') throw new TypeError(`an Avro ${type} needs a name`);
  const namespace = typeof object.namespace === 'string' ? object.namespace : enclosing;
  const name = fullName(object.name, namespace);
  const head = `{"name":${JSON.stringify(name)},"type":"${type}"`;
  if (type === 'enum') return `${head},"symbols":${JSON.stringify(object.symbols)}}`;
  if (type === 'fixed') return `${head},"size":${Number(object.size)}}`;
  if (!Array.isArray(object.fields)) throw new TypeError(`the Avro record ${name} needs fields`);
  // Types defined inside a record default to the record's namespace.
  const inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
  const fields = (object.fields as SchemaObject[]).map((field) => `{"name":${JSON.stringify(field.name)},"type":${canonical(field.type, inner)}}`);
  return `${head},"fields":[${fields.join(',')}]}`;
}

function fullName(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}
