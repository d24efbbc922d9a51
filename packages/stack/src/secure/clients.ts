import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import type { KafkaSecurity } from '../probes.ts';
import type { TlsFiles } from './certificates.ts';

/** The secured stack listens on loopback only, like the plain one. */
export const SECURE_HOST = '127.0.0.1';

/** kafkajs settings of a principal: SCRAM-SHA-512 over TLS, trusting the stack's CA. */
export function kafkaSecurity(tls: TlsFiles, username: string, password: string): KafkaSecurity {
  return { ssl: { ca: [readFileSync(tls.ca, 'utf8')] }, sasl: { mechanism: 'scram-sha-512', username, password } };
}

/** ioredis settings beyond the URL: trust the stack's CA. */
export function redisTlsOptions(tls: TlsFiles): RedisOptions {
  return { tls: { ca: readFileSync(tls.ca, 'utf8') } };
}

/** A Redis user's URL; the generated passwords are URL-safe. */
export function secureRedisUrl(port: number, username: string, password: string): string {
  return `rediss://${username}:${password}@${SECURE_HOST}:${port}`;
}
