import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@sonar/runtime';
import { freePort, redisAnswers, which } from '@sonar/stack';

export type Persistence = 'aof-always' | 'none';

/** A redis-server of the suite's own, which it can kill -9 and start again with the same settings. */
export class DedicatedRedis {
  private child: ChildProcess | undefined;

  private constructor(
    private readonly port: number,
    private readonly dir: string,
    readonly persistence: Persistence,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(persistence: Persistence): Promise<DedicatedRedis> {
    if (!which('redis-server')) throw new Error('redis-server is not installed');
    const redis = new DedicatedRedis(await freePort(), mkdtempSync(join(tmpdir(), 'sonar-fault-redis-')), persistence);
    await redis.restart();
    return redis;
  }

  async restart(): Promise<number> {
    const started = Date.now();
    const persistence = this.persistence === 'aof-always' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.child = spawn(which('redis-server')!, ['--bind', '127.0.0.1', '--port', String(this.port), '--dir', this.dir, '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    await eventually(() => redisAnswers(this.url, 500), 10_000, 'dedicated redis');
    return Date.now() - started;
  }

  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: connections stay open and commands get no answer, as with a Redis stuck in a long command or a frozen VM. */
  pause(): void {
    this.running().kill('SIGSTOP');
  }

  /** SIGCONT after pause(): Redis answers what it was sent meanwhile. */
  resume(): void {
    this.running().kill('SIGCONT');
  }

  private running(): ChildProcess {
    const child = this.child;
    if (!child || child.exitCode !== null) throw new Error('dedicated redis is not running');
    return child;
  }

  async stop(): Promise<void> {
    await this.kill9();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
