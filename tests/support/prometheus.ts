import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PrometheusServer, which } from '@sonar/stack';
import { freePort } from '@sonar/testkit';

/** One sample of an instant query's result. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface PromRule {
  name: string;
  health: string;
  lastError?: string;
}

export interface PromRuleGroup {
  name: string;
  file: string;
  rules: PromRule[];
}

export interface TestPrometheusOptions {
  /** Scrape jobs: job name -> port (or ports, one target each) of a /metrics endpoint on 127.0.0.1. */
  jobs: Record<string, number | readonly number[]>;
  /** Rule files to load (absolute paths). */
  ruleFiles?: string[];
  /** Scrape and evaluation interval. */
  interval?: string;
}

/** The `prometheus` executable on PATH (Debian's package installs /usr/bin/prometheus). */
export const prometheusBinary = (): string | undefined => which('prometheus');

/**
 * A throwaway Prometheus on loopback: its own config, rule files and TSDB in a
 * temporary folder, removed by stop().
 */
export class TestPrometheus {
  private constructor(
    private readonly server: PrometheusServer,
    private readonly home: string,
  ) {}

  static async start(options: TestPrometheusOptions): Promise<TestPrometheus> {
    if (!prometheusBinary()) throw new Error('prometheus is not installed (apt-get install prometheus)');
    const home = mkdtempSync(join(tmpdir(), 'sonar-prometheus-'));
    const port = await freePort();
    const interval = options.interval ?? '1s';
    const config = {
      global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: [
        { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${port}`] }] },
        ...Object.entries(options.jobs).map(([job, ports]) => ({
          job_name: job,
          static_configs: [{ targets: [ports].flat().map((port) => `127.0.0.1:${port}`) }],
        })),
      ],
    };
    const configFile = join(home, 'prometheus.yml');
    writeFileSync(configFile, stringify(config));
    const server = new PrometheusServer({ port, configFile, home });
    const prometheus = new TestPrometheus(server, home);
    try {
      await server.up(() => undefined);
    } catch (error) {
      const log = prometheus.log();
      await prometheus.stop();
      throw new Error(`${String(error)}\n${log}`);
    }
    return prometheus;
  }

  get url(): string {
    return this.server.url;
  }

  /** The end of Prometheus's own log, for failure messages. */
  log(lines = 30): string {
    try {
      return readFileSync(this.server.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** An instant query at the current time; throws when Prometheus refuses it. */
  async query(expr: string): Promise<PromSample[]> {
    const response = await fetch(`${this.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: unknown };
    };
    if (body.status !== 'success' || !body.data) throw new Error(`query failed: ${body.error ?? response.status}`);
    const { resultType, result } = body.data;
    if (resultType === 'vector') {
      return (result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
        metric: s.metric,
        value: Number(s.value[1]),
      }));
    }
    if (resultType === 'scalar') return [{ metric: {}, value: Number((result as [number, string])[1]) }];
    throw new Error(`unexpected result type ${resultType}`);
  }

  async ruleGroups(): Promise<PromRuleGroup[]> {
    const body = (await (await fetch(`${this.url}/api/v1/rules`)).json()) as { status: string; data?: { groups: PromRuleGroup[] } };
    if (body.status !== 'success' || !body.data) throw new Error('GET /api/v1/rules failed');
    return body.data.groups;
  }

  /** Stops the server and removes its folder. */
  async stop(): Promise<void> {
    try {
      await this.server.down(() => undefined);
    } finally {
      rmSync(this.home, { recursive: true, force: true });
    }
  }
}

export interface PanelQuery {
  panel: string;
  refId?: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: { expr?: unknown; refId?: string }[];
  panels?: Panel[];
}

/**
 * Every query of a Grafana dashboard, panels nested in rows included, with
 * Grafana's interval variables replaced as Grafana would for a short range.
 */
export function dashboardQueries(file: string): PanelQuery[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels?: Panel[]; rows?: Panel[] };
  const queries: PanelQuery[] = [];
  const walk = (panels: Panel[] | undefined, parent?: string) => {
    for (const panel of panels ?? []) {
      const title = panel.title || parent || '(untitled)';
      for (const target of panel.targets ?? []) {
        if (typeof target.expr !== 'string' || target.expr.trim() === '') continue;
        const expr = target.expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('$__range', '5m');
        queries.push({ panel: title, refId: target.refId, expr });
      }
      walk(panel.panels, title);
    }
  };
  walk(dashboard.panels);
  walk(dashboard.rows);
  return queries;
}
