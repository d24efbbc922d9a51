import { eventually } from '@sonar/runtime';
import { DEFAULT_KAFKA_BROKERS } from '@sonar/contracts';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runningPid, spawnDetached, stopProcess } from './processes.ts';
import { kafkaAnswers, type KafkaSecurity } from './probes.ts';
import { repoRoot } from './paths.ts';
import { renderBrokerProperties } from './broker-properties.ts';
import type { ComponentStatus, Reporter, StackConfig } from './types.ts';

export type BrokerConfig = Pick<StackConfig, 'home' | 'kafkaBrokers' | 'kafkaIsLocal' | 'kafkaControllerPort' | 'kafkaLibDir' | 'kafkaHeap'>;

/** What makes a broker a secured one (see secure/secure-broker.ts); the plain broker has none. */
export interface BrokerSecurity {
  /** A properties template whose settings replace or extend server.properties', with the same placeholders. */
  template: string;
  /** Its own placeholders: file locations, the broker's password. */
  values: Record<string, string>;
  /** `kafka-storage format` arguments holding secrets (the SCRAM users): passed in a 0600 file, never on the command line. */
  formatArgs: string[];
  /** How the readiness probe connects. */
  client: KafkaSecurity;
  /** For the status line. */
  description: string;
}

/** One node of a multi-node KRaft cluster (see ha/ha-kafka.ts); without one, a broker is a standalone single node. */
export interface QuorumMember {
  /** Its folder in the stack home, instead of "kafka". */
  dir: string;
  /** Its settings beyond server.properties' (node id, voters, replication), with the same placeholders. */
  template: string;
  values: Record<string, string>;
  /** The same for every node, so that they form one cluster. */
  clusterId: string;
}

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

  constructor(
    private readonly config: BrokerConfig,
    private readonly security?: BrokerSecurity,
    private readonly member?: QuorumMember,
  ) {
    this.home = join(config.home, member?.dir ?? 'kafka');
    this.libDir = config.kafkaLibDir ?? join(this.home, 'lib');
    this.pidFile = join(this.home, 'broker.pid');
    this.logFile = join(this.home, 'broker.log');
    this.dataDir = join(this.home, 'data');
  }

  /** How its progress lines start: "kafka", or the node's folder. */
  private get label(): string {
    return this.member?.dir ?? 'kafka';
  }

  get pid(): number | undefined {
    return runningPid(this.pidFile);
  }

  async status(): Promise<ComponentStatus> {
    const pid = this.pid;
    const answers = await this.answers();
    return {
      name: 'kafka',
      address: this.config.kafkaBrokers.join(','),
      state: answers ? (pid ? 'running' : 'external') : pid ? 'starting' : 'stopped',
      pid,
      detail: pid
        ? `Apache Kafka ${kafkaVersion()} (KRaft${this.security ? `, ${this.security.description}` : ''}), heap ${this.config.kafkaHeap}, data ${this.dataDir}, log ${this.logFile}`
        : answers
          ? 'a broker this stack did not start; reused as is'
          : `Apache Kafka ${kafkaVersion()} from Maven, not running`,
    };
  }

  /** Starts the broker unless one already answers; resolves when it serves consumer groups. */
  async up(report: Reporter): Promise<ComponentStatus> {
    if (await this.answers()) return this.status();
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
      report(`${this.label}: starting Apache Kafka ${kafkaVersion()} on ${this.config.kafkaBrokers.join(',')} (log ${this.logFile})`);
      await eventually(() => this.answers(), 120_000, 'kafka broker', {
        abort: () => (this.pid ? undefined : `the broker exited; last lines of ${this.logFile}:\n${tail(this.logFile, 20)}`),
      });
      report(`${this.label}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } else {
      report(`${this.label}: broker process is running; waiting until it answers`);
      await eventually(() => this.answers(), 120_000, 'kafka broker');
    }
    return this.status();
  }

  private answers(): Promise<boolean> {
    return kafkaAnswers(this.config.kafkaBrokers, 3000, this.security?.client);
  }

  async down(report: Reporter): Promise<void> {
    const pid = await stopProcess(this.pidFile, 30_000);
    if (pid) report(`${this.label}: stopped broker (pid ${pid})`);
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
    const values: Record<string, string> = {
      PORT: String(port),
      CONTROLLER_PORT: String(this.config.kafkaControllerPort),
      DATA_DIR: this.dataDir,
      ...this.member?.values,
      ...this.security?.values,
    };
    const rendered = renderBrokerProperties(host, values, [
      ...(this.member ? [{ template: this.member.template, heading: 'Cluster node' }] : []),
      ...(this.security ? [{ template: this.security.template, heading: 'Security' }] : []),
    ]);
    const file = join(this.home, 'server.properties');
    mkdirSync(this.home, { recursive: true });
    // A secured broker's file holds its own password.
    writeFileSync(file, rendered, { mode: 0o600 });
    chmodSync(file, 0o600);
    return file;
  }

  private async formatStorage(properties: string, report: Reporter): Promise<void> {
    if (existsSync(join(this.dataDir, 'meta.properties'))) return;
    report(`${this.label}: formatting storage in ${this.dataDir}`);
    mkdirSync(this.dataDir, { recursive: true });
    // The storage tool reads further arguments from an @file (argparse4j), one per line.
    const argsFile = join(this.home, 'format.args');
    const secrets = this.security?.formatArgs ?? [];
    if (secrets.length > 0) writeFileSync(argsFile, `${secrets.join('\n')}\n`, { mode: 0o600 });
    try {
      // A cluster node's voters are in its properties (a static quorum); a single node is its own.
      const quorum = this.member ? ['-t', this.member.clusterId] : ['--standalone', '-t', clusterId()];
      const args = ['format', ...quorum, '--ignore-formatted', '-c', properties, ...(secrets.length > 0 ? [`@${argsFile}`] : [])];
      // Its output lists the SCRAM records (salts and keys): never shown.
      await run('java', ['-cp', join(this.libDir, '*'), 'kafka.tools.StorageTool', ...args], { env: { ...process.env, KAFKA_LOG4J_OPTS: '' } });
    } catch (error) {
      const { stderr = '', message } = error as { stderr?: string; message: string };
      const reason = stderr.trim().split('\n').filter((line) => line && !line.includes('Scram')).slice(-3).join(' ') || message;
      throw new Error(`kafka-storage format failed: ${reason}`);
    } finally {
      rmSync(argsFile, { force: true });
    }
  }
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64; Kafka avoids ones that start with '-'. */
export function clusterId(): string {
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
