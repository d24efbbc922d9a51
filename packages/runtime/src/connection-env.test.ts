import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, parseEnv } from './config.ts';
import { checkConnection, connectionEnv, connectionIdentity, kafkaConnection, redisConnection } from './connection-env.ts';

const schema = z.object(connectionEnv).superRefine(checkConnection);
const parse = (env: Record<string, string>) => parseEnv(schema, env);
const problems = (env: Record<string, string>): string[] => {
  try {
    parse(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

const dir = mkdtempSync(join(tmpdir(), 'sonar-connection-env-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';
const ca = file('ca.pem', CA);
const cert = file('client.pem', 'client certificate');
const key = file('client.key', 'client key');

describe('Kafka TLS and SASL settings', () => {
  it('are plaintext without credentials by default', () => {
    expect(kafkaConnection(parse({}))).toEqual({ brokers: ['127.0.0.1:9092'], ssl: false, sasl: undefined });
  });

  it('read the CA, the client certificate and its key at start, and verify the broker unless told not to', () => {
    const env = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key };
    expect(kafkaConnection(parse(env)).ssl).toEqual({ rejectUnauthorized: true, ca: [CA], cert: 'client certificate', key: 'client key' });
    // Without a CA file: Node's CAs, and NODE_EXTRA_CA_CERTS.
    expect(kafkaConnection(parse({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' })).ssl).toEqual({ rejectUnauthorized: false });
  });

  it('accept every SASL mechanism of the contract', () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512']) {
      const env = { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'ingest', KAFKA_SASL_PASSWORD: 'pw' };
      expect(kafkaConnection(parse(env)).sasl).toEqual({ mechanism, username: 'ingest', password: 'pw' });
    }
    expect(problems({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_MECHANISM: /),
    ]);
  });

  it('refuse TLS files without TLS, half a client certificate, and a file that cannot be read, all together', () => {
    expect(problems({ KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, REDIS_TLS_CA_FILE: join(dir, 'missing.pem') })).toEqual([
      `REDIS_TLS_CA_FILE: cannot read the file (ENOENT) (got "${join(dir, 'missing.pem')}")`,
    ]);
    const found = problems({ KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^KAFKA_SSL_CA_FILE: KAFKA_SSL_CA_FILE is for TLS: set KAFKA_SSL=true too/),
        expect.stringMatching(/^KAFKA_SSL_REJECT_UNAUTHORIZED: .*set KAFKA_SSL=true too/),
        expect.stringMatching(/^KAFKA_SSL_CERT_FILE: set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE together/),
      ]),
    );
  });
});

describe('Redis TLS settings', () => {
  it('read the CA for a rediss:// URL, and only for one', () => {
    expect(redisConnection(parse({ REDIS_URL: 'rediss://scorer:pw@127.0.0.1:6380', REDIS_TLS_CA_FILE: ca })).tls).toEqual({ ca: CA });
    expect(redisConnection(parse({})).tls).toBeUndefined();
    expect(problems({ REDIS_TLS_CA_FILE: ca })).toEqual([expect.stringMatching(/^REDIS_TLS_CA_FILE: REDIS_TLS_CA_FILE is for TLS: use a rediss:\/\/ REDIS_URL/)]);
  });
});

describe('what a configuration error echoes', () => {
  it('never a password: a secret by its length, a URL without it', () => {
    const strict = z.object({ INGEST_TOKEN: z.string().min(20), REDIS_URL: z.string().startsWith('rediss://') });
    let error: unknown;
    try {
      parseEnv(strict, { INGEST_TOKEN: 'hunter2-secret', REDIS_URL: 'redis://u:hunter2-secret@host' });
    } catch (caught) {
      error = caught;
    }
    const found = (error as ConfigError).problems;
    expect(found.join('\n')).not.toContain('hunter2');
    expect(found).toEqual([expect.stringContaining('(got 14 characters)'), expect.stringContaining('(got "redis://u:***@host")')]);
  });
});

describe('connectionIdentity', () => {
  it('says who connects, without the password', () => {
    const identity = connectionIdentity(parse({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'ingest', KAFKA_SASL_PASSWORD: 'hunter2' }));
    expect(identity.kafka).toEqual({ brokers: ['127.0.0.1:9092'], user: 'ingest', mechanism: 'scram-sha-512' });
    expect(JSON.stringify(identity.kafka)).not.toContain('hunter2');
  });
});

