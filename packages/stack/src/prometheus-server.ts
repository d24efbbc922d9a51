import { eventually } from '@sonar/runtime';
import { join } from 'node:path';
import { runningPid, spawnDetached, stopProcess } from './processes.ts';
import { httpAnswers } from './probes.ts';
import { repoRoot } from './paths.ts';
import { which } from './which.ts';
import type { ComponentStatus, Reporter, StackConfig } from './types.ts';

export interface PrometheusOptions {
  port: number;
  configFile: string;
  home: string;
}

/** A Prometheus server on loopback, when the `prometheus` binary is installed. */
export class PrometheusServer {
  private readonly pidFile: string;
  readonly logFile: string;

  constructor(private readonly options: PrometheusOptions) {
    this.pidFile = join(options.home, 'prometheus.pid');
    this.logFile = join(options.home, 'prometheus.log');
  }

  static forStack(config: StackConfig): PrometheusServer {
    return new PrometheusServer({
      port: config.prometheusPort,
      configFile: join(repoRoot(), 'infra/prometheus/prometheus.yml'),
      home: join(config.home, 'prometheus'),
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  async status(): Promise<ComponentStatus> {
    const pid = runningPid(this.pidFile);
    const answers = await httpAnswers(`${this.url}/-/ready`);
    return {
      name: 'prometheus',
      address: this.url,
      state: answers ? (pid ? 'running' : 'external') : pid ? 'starting' : which('prometheus') ? 'stopped' : 'not installed',
      pid,
      detail: pid ? `config ${this.options.configFile}, log ${this.logFile}` : answers ? 'reused as is' : which('prometheus') ? '' : 'apt-get install prometheus',
    };
  }

  async up(report: Reporter): Promise<ComponentStatus> {
    if (await httpAnswers(`${this.url}/-/ready`)) return this.status();
    const binary = which('prometheus');
    if (!binary) {
      report('prometheus: not installed, skipped (apt-get install prometheus)');
      return this.status();
    }
    if (!runningPid(this.pidFile)) {
      spawnDetached({
        command: binary,
        args: [
          `--config.file=${this.options.configFile}`,
          `--storage.tsdb.path=${join(this.options.home, 'data')}`,
          `--web.listen-address=127.0.0.1:${this.options.port}`,
          '--web.enable-lifecycle',
        ],
        logFile: this.logFile,
        pidFile: this.pidFile,
      });
      report(`prometheus: started on ${this.url}`);
    }
    await eventually(() => httpAnswers(`${this.url}/-/ready`), 30_000, 'prometheus', {
      abort: () => (runningPid(this.pidFile) ? undefined : `prometheus exited; see ${this.logFile}`),
    });
    return this.status();
  }

  async down(report: Reporter): Promise<void> {
    const pid = await stopProcess(this.pidFile, 10_000);
    if (pid) report(`prometheus: stopped (pid ${pid})`);
  }
}
