import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisServer, type RedisConfig } from '../redis-server.ts';
import type { SecureStackConfig } from '../types.ts';
import type { TlsFiles } from './certificates.ts';
import { SECURE_HOST, redisTlsOptions, secureRedisUrl } from './clients.ts';
import type { Credentials } from './credentials.ts';
import { redisAclFile } from './redis-acls.ts';

/** Where the secured Redis is; its probe connects as admin (no password needed to stop it). */
export function secureRedisConfig(config: SecureStackConfig, adminPassword = ''): RedisConfig {
  return { home: config.home, redisUrl: secureRedisUrl(config.redisPort, 'admin', adminPassword) };
}

/** The Redis of the secured stack: TLS only, ACL users (see writeSecureRedisConfig). */
export function secureRedis(config: SecureStackConfig, tls: TlsFiles, credentials: Credentials): RedisServer {
  return new RedisServer(secureRedisConfig(config, credentials.admin), {
    configFile: files(config).config,
    client: redisTlsOptions(tls),
    description: 'with TLS and ACL users, without persistence',
  });
}

/** Its redis.conf and ACL file, written afresh before each start (the key prefix may have changed). */
export function writeSecureRedisConfig(config: SecureStackConfig, tls: TlsFiles, credentials: Credentials): void {
  const { dir, acl, config: conf } = files(config);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(acl, redisAclFile(credentials, config.redisPrefix), { mode: 0o600 });
  const settings = [
    `bind ${SECURE_HOST}`,
    // No plaintext port at all.
    'port 0',
    `tls-port ${config.redisPort}`,
    `tls-cert-file ${quoted(tls.cert)}`,
    `tls-key-file ${quoted(tls.key)}`,
    `tls-ca-cert-file ${quoted(tls.ca)}`,
    // Clients prove who they are with their ACL password, not a certificate.
    'tls-auth-clients no',
    `aclfile ${quoted(acl)}`,
    'save ""',
    'appendonly no',
    `dir ${quoted(dir)}`,
    'daemonize no',
  ];
  writeFileSync(conf, `${settings.join('\n')}\n`, { mode: 0o600 });
}

function files(config: SecureStackConfig) {
  const dir = join(config.home, 'redis');
  return { dir, acl: join(dir, 'users.acl'), config: join(dir, 'redis.conf') };
}

/** redis.conf takes double-quoted strings with backslash escapes, as JSON writes them. */
function quoted(path: string): string {
  return JSON.stringify(path);
}
