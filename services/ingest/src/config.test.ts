import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.ts';

describe('ingest configuration', () => {
  it('binds loopback without a token, as by default', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.53']) expect(loadConfig({ INGEST_HOST: host }).INGEST_HOST).toBe(host);
  });

  it('refuses another address without INGEST_TOKEN, naming both ways out', () => {
    expect(() => loadConfig({ INGEST_HOST: '0.0.0.0' })).toThrow(
      /INGEST_HOST: binds beyond loopback without INGEST_TOKEN: set INGEST_TOKEN, or INGEST_ALLOW_UNAUTHENTICATED=true .*\(got "0.0.0.0"\)/,
    );
    expect(loadConfig({ INGEST_HOST: '0.0.0.0', INGEST_TOKEN: 'a-long-token' }).INGEST_TOKEN).toBe('a-long-token');
    expect(loadConfig({ INGEST_HOST: '10.1.2.3', INGEST_ALLOW_UNAUTHENTICATED: 'true' }).INGEST_ALLOW_UNAUTHENTICATED).toBe(true);
  });

  it('never echoes a token it refuses', () => {
    expect(() => loadConfig({ INGEST_TOKEN: 'short' })).toThrow(/INGEST_TOKEN: must be at least 8 characters \(got 5 characters\)/);
  });

  it('serves HTTPS with a certificate and its key, given together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sonar-ingest-config-'));
    writeFileSync(join(dir, 'cert.pem'), 'certificate');
    writeFileSync(join(dir, 'key.pem'), 'key');
    expect(loadConfig({ INGEST_TLS_CERT_FILE: join(dir, 'cert.pem'), INGEST_TLS_KEY_FILE: join(dir, 'key.pem') }).tls).toEqual({ cert: 'certificate', key: 'key' });
    expect(loadConfig({}).tls).toBeUndefined();
    expect(() => loadConfig({ INGEST_TLS_CERT_FILE: join(dir, 'cert.pem') })).toThrow(/set INGEST_TLS_CERT_FILE and INGEST_TLS_KEY_FILE together/);
  });
});
