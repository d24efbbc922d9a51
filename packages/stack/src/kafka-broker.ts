import { DEFAULT_KAFKA_BROKERS } from '@sonar/contracts';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runningPid, spawnDetached, stopProcess } from './processes.ts';
import { kafkaAnswers, waitUntil } from './probes.ts';
import { repoRoot } from './paths.ts';
import type { ComponentStatus, Reporter, StackConfig } from './types.ts';

const run = promisify(execFile);

/** The broker version pinned in infra/kafka/pom.xml. */
export function kafkaVersion(): string {
  const pom = readFileSync(join(repoRoot(), 'infra/kafka/pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match?.[1]) throw new Error('infra/kafka/pom.xml has no <kafka.version>');
  return match[1];
}

export class KafkaBroker {
  private readonly home: string;
  private readonly libDir: string;
  private readonly pidFile: string;
  readonly logFile: string;
  readonly dataDir: string;

  constructor(private readonly config: StackConfig) {
    this.home = join(config.home, 'kafka');
    this.libDir = config.kafkaLibDir ?? join(this.home, 'lib');
    this.pidFile = join(this.home, 'broker.pid');
    this.logFile = join(this.home, 'broker.log');
    this.dataDir = join(this.home, 'data');
  }

  get pid(): number | undefined {
    return runningPid(this.pidFile);
  }

  async status(): Promise<ComponentStatus> {
    const pid = this.pid;
    const answers = await kafkaAnswers(this.config.kafkaBrokers);
    return {
      name: 'kafka',
      address: this.config.kafkaBrokers.join(','),
      state: answers ? (pid ? 'running' : 'external') : pid ? 'starting' : 'stopped',
      pid,
      detail: pid
        ? `Apache Kafka ${kafkaVersion()} (KRaft), heap ${this.config.kafkaHeap}, data ${this.dataDir}, log ${this.logFile}`
        : answers
          ? 'a broker this stack did not start; reused as is'
          : `Apache Kafka ${kafkaVersion()} from Maven, not running`,
    };
  }

  /** Starts the broker unless one already answers; resolves when it serves consumer groups. */
  async up(report: Reporter): Promise<ComponentStatus> {
    if (await kafkaAnswers(this.config.kafkaBrokers)) return this.status();
    if (!this.config.kafkaIsLocal) {
      throw new Error(
        `no Kafka broker answers at ${this.config.kafkaBrokers.join(',')}, and it is not a loopback address this stack could start one on`,
      );
    }
    if (!this.pid) {
      await this.ensureJars(report);
      const properties = this.writeServerProperties();
      await this.formatStorage(properties, report);
      const started = Date.now();
      spawnDetached({
        command: 'java',
        args: [
          ...this.config.kafkaHeap.split(/\s+/).filter(Boolean),
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${join(repoRoot(), 'infra/kafka/log4j2.properties')}`,
          '-cp',
          join(this.libDir, '*'),
          'kafka.Kafka',
          properties,
        ],
        logFile: this.logFile,
        pidFile: this.pidFile,
      });
      report(`kafka: starting Apache Kafka ${kafkaVersion()} on ${this.config.kafkaBrokers.join(',')} (log ${this.logFile})`);
      await waitUntil(() => kafkaAnswers(this.config.kafkaBrokers), {
        timeoutMs: 120_000,
        what: 'kafka broker',
        abort: () => (this.pid ? undefined : `the broker exited; last lines of ${this.logFile}:\n${tail(this.logFile, 20)}`),
      });
      report(`kafka: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } else {
      report('kafka: broker process is running; waiting until it answers');
      await waitUntil(() => kafkaAnswers(this.config.kafkaBrokers), { timeoutMs: 120_000, what: 'kafka broker' });
    }
    return this.status();
  }

  async down(report: Reporter): Promise<void> {
    const pid = await stopProcess(this.pidFile, 30_000);
    if (pid) report(`kafka: stopped broker (pid ${pid})`);
  }

  /** Fetches the broker jars with Maven once; again only when infra/kafka/pom.xml changes. */
  async ensureJars(report: Reporter): Promise<void> {
    const pom = join(repoRoot(), 'infra/kafka/pom.xml');
    const stamp = join(this.libDir, '..', 'lib.sha256');
    const digest = createHash('sha256').update(readFileSync(pom)).digest('hex');
    if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(this.libDir)) return;
    report(`kafka: fetching Apache Kafka ${kafkaVersion()} jars with Maven (first start only)...`);
    rmSync(this.libDir, { recursive: true, force: true });
    const started = Date.now();
    try {
      await run('mvn', ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${this.libDir}`, '-DincludeScope=runtime'], {
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`mvn could not fetch the Kafka jars (is Maven installed and Maven Central reachable?)\n${stdout}${stderr}`);
    }
    const jars = readdirSync(this.libDir).filter((name) => name.endsWith('.jar')).length;
    writeFileSync(stamp, digest);
    report(`kafka: ${jars} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  private writeServerProperties(): string {
    const [host, port] = splitHostPort(this.config.kafkaBrokers[0] ?? DEFAULT_KAFKA_BROKERS);
    const template = readFileSync(join(repoRoot(), 'infra/kafka/server.properties'), 'utf8');
    const rendered = template
      .replaceAll('127.0.0.1', host)
      .replaceAll('{{PORT}}', String(port))
      .replaceAll('{{CONTROLLER_PORT}}', String(this.config.kafkaControllerPort))
      .replaceAll('{{DATA_DIR}}', this.dataDir);
    const file = join(this.home, 'server.properties');
    mkdirSync(this.home, { recursive: true });
    writeFileSync(file, rendered);
    return file;
  }

  private async formatStorage(properties: string, report: Reporter): Promise<void> {
    if (existsSync(join(this.dataDir, 'meta.properties'))) return;
    report(`kafka: formatting storage in ${this.dataDir}`);
    mkdirSync(this.dataDir, { recursive: true });
    await run('java', ['-cp', join(this.libDir, '*'), 'kafka.tools.StorageTool', 'format', '--standalone', '--ignore-formatted', '-t', clusterId(), '-c', properties], {
      env: { ...process.env, KAFKA_LOG4J_OPTS: '' },
    });
  }
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64; Kafka avoids ones that start with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
