import { eventually, isLoopbackHost, redactUrl } from '@sonar/runtime';
import { DEFAULT_PORTS } from '@sonar/contracts';
import { join } from 'node:path';
import type { RedisOptions } from 'ioredis';
import { runningPid, spawnDetached, stopProcess } from './processes.ts';
import { redisAnswers } from './probes.ts';
import { which } from './which.ts';
import type { ComponentStatus, Reporter, StackConfig } from './types.ts';

export type RedisConfig = Pick<StackConfig, 'home' | 'redisUrl'>;

/**
 * A Redis run from a config file of its own: the secured one (secure/secure-redis.ts), the
 * HA stack's data nodes and Sentinels (ha/ha-redis.ts). The plain one has none.
 */
export interface RedisSetup {
  /** A redis.conf with everything: address, persistence, TLS files, ACL file, replication. */
  configFile: string;
  /** What a client needs beyond the URL (the CA). */
  client: RedisOptions;
  /** For the status line: what it runs with. */
  description: string;
  /** Its folder in the stack home, instead of "redis". */
  dir?: string;
  /** A Sentinel (redis-sentinel) rather than a data node. */
  sentinel?: boolean;
}

/** Redis at REDIS_URL; when nothing answers on loopback and redis-server is installed, one of our own. */
export class RedisServer {
  private readonly home: string;
  private readonly pidFile: string;
  readonly logFile: string;

  constructor(
    private readonly config: RedisConfig,
    private readonly setup?: RedisSetup,
  ) {
    this.home = join(config.home, setup?.dir ?? 'redis');
    this.pidFile = join(this.home, 'redis.pid');
    this.logFile = join(this.home, 'redis.log');
  }

  get pid(): number | undefined {
    return runningPid(this.pidFile);
  }

  async status(): Promise<ComponentStatus> {
    const pid = this.pid;
    const answers = await this.answers();
    return {
      name: 'redis',
      address: redactUrl(this.config.redisUrl),
      state: answers ? (pid ? 'running' : 'external') : pid ? 'starting' : which(this.binary) ? 'stopped' : 'not installed',
      pid,
      detail: pid ? `${this.binary} ${this.setup?.description ?? 'without persistence'}, data ${this.home}, log ${this.logFile}` : answers ? 'reused as is' : '',
    };
  }

  async up(report: Reporter): Promise<ComponentStatus> {
    if (await this.answers()) return this.status();
    const url = new URL(this.config.redisUrl);
    const binary = which(this.binary);
    if (!isLoopbackHost(url.hostname) || !binary) {
      throw new Error(
        `nothing answers at ${redactUrl(this.config.redisUrl)}` +
          (binary ? ' and it is not a loopback address' : `, and ${this.binary} is not installed (apt-get install ${this.binary})`),
      );
    }
    if (!runningPid(this.pidFile)) {
      const port = url.port || String(DEFAULT_PORTS.redis);
      spawnDetached({
        command: binary,
        args: this.setup
          ? [this.setup.configFile]
          : ['--bind', url.hostname, '--port', port, '--save', '', '--appendonly', 'no', '--dir', this.home, '--daemonize', 'no'],
        logFile: this.logFile,
        pidFile: this.pidFile,
      });
      report(`${this.label}: started ${this.binary} on ${url.hostname}:${port}`);
    }
    await eventually(() => this.answers(), 20_000, this.label, {
      abort: () => (runningPid(this.pidFile) ? undefined : `${this.binary} exited; see ${this.logFile}`),
    });
    return this.status();
  }

  private answers(): Promise<boolean> {
    return redisAnswers(this.config.redisUrl, 2000, this.setup?.client);
  }

  /** Debian's package names the Sentinel binary (a link to the same program) and the package alike. */
  private get binary(): string {
    return this.setup?.sentinel ? 'redis-sentinel' : 'redis-server';
  }

  private get label(): string {
    return this.setup?.dir ?? 'redis';
  }

  async down(report: Reporter): Promise<void> {
    const pid = await stopProcess(this.pidFile, 10_000);
    if (pid) report(`${this.label}: stopped ${this.binary} (pid ${pid})`);
  }
}
