import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { repoRoot } from '@sonar/stack';

/** A validator for one of the published JSON Schemas (packages/contracts/schemas). */
export function schemaValidator(name: 'reading' | 'classified' | 'model-update') {
  const schema = JSON.parse(readFileSync(join(repoRoot(), 'packages/contracts/schemas', `${name}.schema.json`), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  return (value: unknown): string[] => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
