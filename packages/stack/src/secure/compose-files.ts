import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillPlaceholders, renderBrokerProperties } from '../broker-properties.ts';
import { clusterId } from '../kafka-broker.ts';
import { repoRoot } from '../paths.ts';
import type { Reporter } from '../types.ts';
import { ensureCertificates, LOOPBACK_NAMES, tlsFiles } from './certificates.ts';
import { CredentialsFile, type Credentials } from './credentials.ts';
import { redisAclFile } from './redis-acls.ts';
import { SECURE_BROKER_TEMPLATE, scramUsers, secureBrokerValues } from './secure-broker.ts';
import { secureRedisConf } from './secure-redis.ts';

/** The profile's broker and Redis by their compose service names, which their certificate holds. */
export const COMPOSE_HOSTS = { kafka: 'kafka-secured', redis: 'redis-secured' } as const;

/** Where the containers find the files (docker-compose.yml mounts each one there). */
export const MOUNTED = { tls: tlsFiles('/etc/sonar/tls'), kafka: '/etc/sonar/kafka', redis: '/etc/sonar/redis', kafkaData: '/var/lib/kafka/data' } as const;

/** The folder docker-compose.yml mounts them from: gitignored, like the stack home. */
export function composeFilesDir(): string {
  return join(repoRoot(), '.sonar', 'compose-secured');
}

/**
 * What `docker compose --profile secured` mounts: a CA and a certificate for the containers'
 * names, generated passwords, and the broker's and Redis' configuration from the same templates
 * and code as `sonar stack up --secure`; secured.env holds the passwords, for --env-file.
 * Certificates, passwords and the cluster id are made once; the rest again each time.
 */
export async function writeComposeFiles(dir: string, redisPrefix: string, report: Reporter): Promise<{ envFile: string }> {
  for (const sub of ['kafka', 'kafka-data', 'redis']) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  await ensureCertificates(join(dir, 'tls'), report, [`DNS:${COMPOSE_HOSTS.kafka}`, `DNS:${COMPOSE_HOSTS.redis}`, ...LOOPBACK_NAMES]);
  const credentialsFile = new CredentialsFile(join(dir, 'credentials.json'));
  const credentials = credentialsFile.exists ? credentialsFile.read() : credentialsFile.create();
  const secret = (path: string, text: string) => writeFileSync(join(dir, path), text, { mode: 0o600 });
  // Made once and kept: the storage is formatted with that cluster id; clients hold the token.
  const kept = (path: string, make: () => string): string => {
    if (!existsSync(join(dir, path))) secret(path, `${make()}\n`);
    return readFileSync(join(dir, path), 'utf8').trim();
  };

  kept('kafka/cluster.id', clusterId);
  const values = { PORT: '9092', CONTROLLER_PORT: '9093', DATA_DIR: MOUNTED.kafkaData, ...secureBrokerValues(MOUNTED.tls, credentials) };
  secret('kafka/server.properties', renderBrokerProperties(COMPOSE_HOSTS.kafka, values, [{ template: SECURE_BROKER_TEMPLATE, heading: 'Security' }]));
  secret('kafka/format.args', `${scramUsers(credentials).join('\n')}\n`);
  const adminClient = readFileSync(join(repoRoot(), 'infra/kafka/admin-client-secure.properties'), 'utf8');
  secret('kafka/admin.properties', fillPlaceholders(adminClient, { ADMIN_PASSWORD: credentials.admin, TLS_CA: MOUNTED.tls.ca }));
  secret('redis/users.acl', redisAclFile(credentials, redisPrefix));
  secret('redis/redis.conf', secureRedisConf({ bind: '0.0.0.0', port: 6379, tls: MOUNTED.tls, acl: `${MOUNTED.redis}/users.acl`, dir: '/data' }));
  const token = kept('ingest.token', () => randomBytes(24).toString('base64url'));
  secret('secured.env', composeEnv(credentials, token));
  return { envFile: join(dir, 'secured.env') };
}

/** The variables docker-compose.yml's secured services take their credentials from. */
function composeEnv(credentials: Credentials, token: string): string {
  const lines = [
    '# Written by `sonar stack compose-files`: the secrets of the compose profile `secured`. Never commit it.',
    // The containers run as the owner of these files, which only it may read.
    `SONAR_UID=${process.getuid?.() ?? 1000}`,
    `SONAR_GID=${process.getgid?.() ?? 1000}`,
    ...(['admin', 'ingest', 'trainer', 'scorer'] as const).map((principal) => `SONAR_SECURED_${principal.toUpperCase()}_PASSWORD=${credentials[principal]}`),
    `INGEST_TOKEN=${token}`,
  ];
  return `${lines.join('\n')}\n`;
}
