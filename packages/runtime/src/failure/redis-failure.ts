import type { ErrorFacts } from './error-chain.ts';
import type { Explained, FailureContext } from './explain-failure.ts';
import { redactUrl } from './redact.ts';
import { tlsLine, UNREACHABLE } from './tls-codes.ts';

/** The name of a connection error of ours (see @sonar/store's connect): ioredis' own are Node's, without a mark. */
export const REDIS_CONNECTION_ERROR = 'RedisConnectionError';

/** Why a Redis client failed, when it was the server's or the configuration's doing; undefined otherwise. */
export function explainRedis(chain: ErrorFacts[], context: FailureContext): Explained | undefined {
  const url = context.redis?.url;
  const user = url ? userOf(url) : 'default';
  const where = url ? redactUrl(url) : 'REDIS_URL';
  const reply = (prefix: string) => chain.find((f) => f.message.startsWith(prefix));

  if (reply('WRONGPASS')) {
    return { problem: 'redis_credentials', line: `Redis refused the credentials of user '${user}' (WRONGPASS): check the user and password in REDIS_URL` };
  }
  if (reply('NOAUTH')) {
    return { problem: 'redis_credentials', line: 'Redis wants credentials (NOAUTH): put a user and password in REDIS_URL (rediss://user:password@host:port)' };
  }
  const noperm = reply('NOPERM');
  if (noperm) {
    const { what, fix } = refusedWhat(noperm.message);
    return { problem: 'redis_permission', line: `Redis user '${user}' may not ${what} (NOPERM): ${fix}` };
  }
  // Network and TLS errors are Node's: only those of a connection of ours are Redis' for sure.
  const connection = chain.some((f) => f.name === REDIS_CONNECTION_ERROR);
  const settings = { ca: 'REDIS_TLS_CA_FILE', address: 'REDIS_URL', plaintext: 'use redis://, or the port of its TLS listener' };
  const tls = connection ? chain.map((f) => tlsLine('Redis', where, f.code, settings)).find(Boolean) : undefined;
  if (tls) return { problem: 'redis_tls', line: tls };
  const unreachable = connection ? chain.find((f) => UNREACHABLE.has(f.code ?? '')) : undefined;
  if (unreachable) return { problem: 'redis_unreachable', line: `Redis is not reachable at ${where} (${unreachable.code}): check REDIS_URL` };
  return undefined;
}

function userOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || 'default';
  } catch {
    return 'default';
  }
}

/** "NOPERM this user has no permissions to run the 'hset' command": what was refused, and what to check. */
function refusedWhat(message: string): { what: string; fix: string } {
  const command = /run the '([^']+)' command/.exec(message)?.[1];
  if (command) return { what: `run '${command}'`, fix: "use the service's own user in REDIS_URL, or grant it" };
  const what = /channels/.test(message) ? 'use this channel' : /keys/.test(message) ? 'use these keys' : 'do this';
  return { what, fix: 'check REDIS_PREFIX, and the user in REDIS_URL and its ACL' };
}
