// Readers for detector states restored from JSON (a checkpoint): each names the
// field that is wrong, so a corrupted checkpoint fails with a usable message.

export function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: state must be a JSON object`);
  return value as Record<string, unknown>;
}

export function expectKind(record: Record<string, unknown>, kind: string, where: string): void {
  if (record['kind'] !== kind || record['version'] !== 1) {
    throw new Error(`${where}: expected kind ${JSON.stringify(kind)} version 1, got ${JSON.stringify(record['kind'])} version ${JSON.stringify(record['version'])}`);
  }
}

export function finiteField(record: Record<string, unknown>, name: string, where: string): number {
  const value = record[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where}: ${name} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

export function countField(record: Record<string, unknown>, name: string, where: string): number {
  const value = record[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${where}: ${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function finiteArray(value: unknown, name: string, where: string): number[] {
  if (!Array.isArray(value)) throw new Error(`${where}: ${name} must be an array`);
  value.forEach((item: unknown, j) => {
    if (typeof item !== 'number' || !Number.isFinite(item)) throw new Error(`${where}: ${name}[${j}] must be a finite number, got ${JSON.stringify(item)}`);
  });
  return value as number[];
}
