import { describe, expect, it } from 'vitest';
import { isSecretSetting, redactUrl } from './redact.ts';

describe('redactUrl', () => {
  it('hides the password and keeps the user', () => {
    expect(redactUrl('rediss://trainer:s3cret@127.0.0.1:6380/0')).toBe('rediss://trainer:***@127.0.0.1:6380/0');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('hides it in what the URL parser refuses too', () => {
    expect(redactUrl('rediss://u:p w@host:x')).toBe('rediss://u:***@host:x');
  });
});

describe('isSecretSetting', () => {
  it('knows passwords and tokens, not the files that hold keys', () => {
    expect(['KAFKA_SASL_PASSWORD', 'INGEST_TOKEN', 'GRAFANA_ADMIN_PASSWORD'].every(isSecretSetting)).toBe(true);
    expect(['KAFKA_SSL_KEY_FILE', 'REDIS_URL', 'KAFKA_SASL_USERNAME'].some(isSecretSetting)).toBe(false);
  });
});
