import { eventually } from '@sonar/runtime';
import { DEFAULT_PORTS } from '@sonar/contracts';
import { join } from 'node:path';
import type { RedisOptions } from 'ioredis';
import { runningPid, spawnDetached, stopProcess } from './processes.ts';
import { redisAnswers } from './probes.ts';
import { isLoopbackHost } from './config.ts';
import { which } from './which.ts';
import type { ComponentStatus, Reporter, StackConfig } from './types.ts';

export type RedisConfig = Pick<StackConfig, 'home' | 'redisUrl'>;

/** What makes a Redis server a secured one (see secure/secure-redis.ts); the plain one has none. */
export interface RedisSecurity {
  /** A redis.conf with everything: address, TLS files, ACL file, no persistence. */
  configFile: string;
  /** What a client needs beyond the URL (the CA). */
  client: RedisOptions;
  /** For the status line. */
  description: string;
}

/** Redis at REDIS_URL; when nothing answers on loopback and redis-server is installed, one of our own. */
export class RedisServer {
  private readonly home: string;
  private readonly pidFile: string;
  readonly logFile: string;

  constructor(
    private readonly config: RedisConfig,
    private readonly security?: RedisSecurity,
  ) {
    this.home = join(config.home, 'redis');
    this.pidFile = join(this.home, 'redis.pid');
    this.logFile = join(this.home, 'redis.log');
  }

  async status(): Promise<ComponentStatus> {
    const pid = runningPid(this.pidFile);
    const answers = await this.answers();
    return {
      name: 'redis',
      address: redact(this.config.redisUrl),
      state: answers ? (pid ? 'running' : 'external') : pid ? 'starting' : which('redis-server') ? 'stopped' : 'not installed',
      pid,
      detail: pid ? `redis-server ${this.security ? `with ${this.security.description}, ` : ''}without persistence, data ${this.home}, log ${this.logFile}` : answers ? 'reused as is' : '',
    };
  }

  async up(report: Reporter): Promise<ComponentStatus> {
    if (await this.answers()) return this.status();
    const url = new URL(this.config.redisUrl);
    const binary = which('redis-server');
    if (!isLoopbackHost(url.hostname) || !binary) {
      throw new Error(
        `nothing answers at ${redact(this.config.redisUrl)}` +
          (binary ? ' and it is not a loopback address' : ', and redis-server is not installed (apt-get install redis-server)'),
      );
    }
    if (!runningPid(this.pidFile)) {
      const port = url.port || String(DEFAULT_PORTS.redis);
      spawnDetached({
        command: binary,
        args: this.security
          ? [this.security.configFile]
          : ['--bind', url.hostname, '--port', port, '--save', '', '--appendonly', 'no', '--dir', this.home, '--daemonize', 'no'],
        logFile: this.logFile,
        pidFile: this.pidFile,
      });
      report(`redis: started redis-server on ${url.hostname}:${port}`);
    }
    await eventually(() => this.answers(), 20_000, 'redis', {
      abort: () => (runningPid(this.pidFile) ? undefined : `redis-server exited; see ${this.logFile}`),
    });
    return this.status();
  }

  private answers(): Promise<boolean> {
    return redisAnswers(this.config.redisUrl, 2000, this.security?.client);
  }

  async down(report: Reporter): Promise<void> {
    const pid = await stopProcess(this.pidFile, 10_000);
    if (pid) report(`redis: stopped redis-server (pid ${pid})`);
  }
}

/** Never print a password. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
