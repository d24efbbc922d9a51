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
  writeFileSync(conf, secureRedisConf({ bind: SECURE_HOST, port: config.redisPort, tls, acl, dir }), { mode: 0o600 });
}

/** The secured Redis' redis.conf, of the local stack and of the compose profile: TLS only, ACL users from a file, no persistence. */
export function secureRedisConf(where: { bind: string; port: number; tls: Pick<TlsFiles, 'cert' | 'key' | 'ca'>; acl: string; dir: string }): string {
  const settings = [
    `bind ${where.bind}`,
    // No plaintext port at all.
    'port 0',
    `tls-port ${where.port}`,
    `tls-cert-file ${quoted(where.tls.cert)}`,
    `tls-key-file ${quoted(where.tls.key)}`,
    `tls-ca-cert-file ${quoted(where.tls.ca)}`,
    // Clients prove who they are with their ACL password, not a certificate.
    'tls-auth-clients no',
    `aclfile ${quoted(where.acl)}`,
    'save ""',
    'appendonly no',
    `dir ${quoted(where.dir)}`,
    'daemonize no',
  ];
  return `${settings.join('\n')}\n`;
}

function files(config: SecureStackConfig) {
  const dir = join(config.home, 'redis');
  return { dir, acl: join(dir, 'users.acl'), config: join(dir, 'redis.conf') };
}

/** redis.conf takes double-quoted strings with backslash escapes, as JSON writes them. */
function quoted(path: string): string {
  return JSON.stringify(path);
}
