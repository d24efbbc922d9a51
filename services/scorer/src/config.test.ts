import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('scorer configuration', () => {
  it('writes JSON events unless told avro, and names the variable of any other format', () => {
    expect(loadConfig({}).SCORER_EVENT_FORMAT).toBe('json');
    expect(loadConfig({ SCORER_EVENT_FORMAT: 'avro' }).SCORER_EVENT_FORMAT).toBe('avro');
    expect(() => loadConfig({ SCORER_EVENT_FORMAT: 'protobuf' })).toThrow(/SCORER_EVENT_FORMAT/);
  });
});
