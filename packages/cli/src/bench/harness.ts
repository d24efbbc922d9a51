import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Redis } from 'ioredis';
import { topicsEnv, topicsFrom, type Topics } from '@sonar/contracts';
import { repoRoot, sonarHome, startService, type ServiceName, type ServiceProcess } from '@sonar/stack';

/** What one benchmark run owns: its topics, model names and Redis prefix, all removed at the end. */
export class BenchRun {
  readonly id = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly redis: Redis;
  readonly redisPrefix: string;
  readonly logDir: string;
  private readonly processes: ServiceProcess[] = [];
  private readonly topicNames = new Set<string>();

  constructor(
    readonly brokers: string[],
    readonly redisUrl: string,
  ) {
    this.kafka = new Kafka({ clientId: 'sonar-bench', brokers, logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
    this.redis = new Redis(redisUrl);
    this.redisPrefix = `${this.id}`;
    this.logDir = join(sonarHome(), 'bench', this.id);
  }

  async connect(): Promise<void> {
    await this.admin.connect();
  }

  topics(name: string): Topics {
    const topics = topicsFrom({
      TOPIC_READINGS: `${this.id}.${name}.readings`,
      TOPIC_CLASSIFIED: `${this.id}.${name}.classified`,
      TOPIC_DLQ: `${this.id}.${name}.dlq`,
      TOPIC_MODELS: `${this.id}.${name}.models`,
    });
    for (const topic of Object.values(topics)) this.topicNames.add(topic);
    return topics;
  }

  /** The environment of a service of this run. */
  env(model: string, topics: Topics, extra: Record<string, string | number> = {}): Record<string, string> {
    return {
      KAFKA_BROKERS: this.brokers.join(','),
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX: this.redisPrefix,
      SONAR_MODEL: model,
      ...topicsEnv(topics),
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])),
    };
  }

  service(service: ServiceName, env: Record<string, string>, label: string = service): ServiceProcess {
    const proc = startService(service, env, join(this.logDir, `${label}.log`), label);
    this.processes.push(proc);
    return proc;
  }

  /** A baseline script of this folder as its own process; resolves with its last stdout line parsed as JSON. */
  script<T>(file: string, env: Record<string, string>, stopAfter?: Promise<unknown>): Promise<T> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot(), 'packages/cli/src/bench', file)], {
      cwd: repoRoot(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void stopAfter?.then(() => child.kill('SIGTERM'));
    return new Promise((resolve, reject) =>
      child.once('exit', (code) => {
        const last = out.trim().split('\n').at(-1);
        if (code === 0 && last) resolve(JSON.parse(last) as T);
        else reject(new Error(`${file} exited with ${code}`));
      }),
    );
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    const existing = new Set(await this.admin.listTopics());
    const mine = [...this.topicNames].filter((t) => existing.has(t));
    if (mine.length > 0) await this.admin.deleteTopics({ topics: mine }).catch(() => undefined);
    const keys = await this.redis.keys(`${this.redisPrefix}:*`);
    if (keys.length > 0) await this.redis.del(...keys);
    await this.admin.disconnect();
    this.redis.disconnect();
  }
}
