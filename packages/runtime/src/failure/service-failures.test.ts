import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { z } from 'zod';
import { parseEnv } from '../config.ts';
import { checkConnection, connectionEnv } from '../connection-env.ts';
import { ServiceFailures } from './service-failures.ts';

function failures(refusal?: { type: string; id: string }) {
  const lines: { level: number; msg: string; problem?: string }[] = [];
  const sink = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const config = parseEnv(z.object(connectionEnv).superRefine(checkConnection), {
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'ingest',
    KAFKA_SASL_PASSWORD: 'hunter2-secret',
  });
  return { lines, failures: new ServiceFailures(pino({}, sink), config, { read: ['sonar.readings'], group: 'sonar-scorer-m' }, { last: refusal }) };
}

describe('ServiceFailures', () => {
  it('reports a refusal once, as its line, and exits with it', () => {
    const { lines, failures: service } = failures({ type: 'GROUP_AUTHORIZATION_FAILED', id: 'sonar-scorer-m' });
    const notFound = Object.assign(new Error('Failed to find group coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound' });
    expect(service.refuses(notFound)).toBe(true);
    const fatal = service.report(notFound, 'scorer failed to start');
    const line = "user 'ingest' may not use consumer group sonar-scorer-m (GROUP_AUTHORIZATION_FAILED): grant it, or use the right credentials in KAFKA_SASL_USERNAME";
    expect(fatal.message).toBe(line);
    expect(lines).toEqual([expect.objectContaining({ level: 60, problem: 'kafka_authorization', msg: line })]);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('reports anything else with the fallback and the error as it is', () => {
    const { lines, failures: service } = failures();
    const boom = new Error('boom');
    expect(service.refuses(boom)).toBe(false);
    expect(service.report(boom, 'scorer failed to start')).toBe(boom);
    expect(lines).toEqual([expect.objectContaining({ level: 60, msg: 'scorer failed to start', err: expect.objectContaining({ message: 'boom' }) })]);
  });
});
