import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { repoRoot } from '@sonar/stack';
import type { TestContext } from '../support/context.ts';
import { testScope } from '../support/scope.ts';
import { dashboardQueries, prometheusBinary, type PanelQuery, TestPrometheus } from '../support/prometheus.ts';
import { eventually, freePort, sonarRows } from '@sonar/testkit';

const DASHBOARD = join(repoRoot(), 'infra/grafana/dashboards/sonar-stream.json');
const ALERTS = join(repoRoot(), 'infra/prometheus/alerts.yml');

// Last started, first stopped: the feed, then Prometheus, then the services and topics.
const scope = testScope();

/**
 * Keeps a stream flowing until stopped: valid readings (some held out) and a few
 * invalid ones POSTed to ingest, and a few invalid raw records straight to the
 * readings topic, so every consumer has something to dead-letter.
 */
function feed(ctx: TestContext, ingestPort: number, perSecond: number) {
  const rows = sonarRows();
  const producer = ctx.kafka.producer();
  let running = true;
  let n = 0;
  const tickMs = 200;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const done = (async () => {
    await producer.connect();
    while (running) {
      const started = Date.now();
      const readings: unknown[] = [];
      for (let i = 0; i < perTick; i += 1, n += 1) {
        const row = rows[n % rows.length]!;
        readings.push({ id: `dash-${n}`, features: Array.from(row.features), label: row.label, holdout: n % 5 === 0 });
      }
      const invalid = [
        { id: `dash-bad-count-${n}`, features: Array.from(rows[0]!.features).slice(0, 59), label: 'R' },
        { id: `dash-bad-label-${n}`, features: Array.from(rows[0]!.features), label: 'X' },
      ];
      await Promise.all([
        post(ingestPort, readings),
        post(ingestPort, invalid),
        producer.send({
          topic: ctx.topics.readings,
          messages: [
            { value: `{"id":"dash-raw-${n}","features":[1,2,3],"label":"R"}` },
            { value: '{"id": "broken' },
          ],
        }),
      ]).catch(() => undefined);
      await sleep(Math.max(0, tickMs - (Date.now() - started)));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done.catch(() => undefined);
      await producer.disconnect();
    },
  };
}

async function post(port: number, readings: unknown[]): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(readings),
  });
  await response.arrayBuffer();
  return response.status;
}

interface QueryOutcome extends PanelQuery {
  problem?: string;
  values: number[];
}

async function runQueries(prometheus: TestPrometheus, queries: PanelQuery[]): Promise<QueryOutcome[]> {
  return Promise.all(
    queries.map(async (q) => {
      try {
        const samples = await prometheus.query(q.expr);
        const values = samples.map((s) => s.value);
        // A panel shows something when at least one series has a number (not NaN, as a histogram with no new observations gives).
        const problem = samples.length === 0 ? 'empty result' : values.some(Number.isFinite) ? undefined : 'only NaN';
        return { ...q, values, problem };
      } catch (error) {
        return { ...q, values: [], problem: String(error) };
      }
    }),
  );
}

describe('Prometheus and the Grafana dashboard', () => {
  it('every dashboard panel query returns data from a real Prometheus scraping a live pipeline, and the alert rules load', async () => {
    // The bootstrap installs it (as root on Debian); without it this test fails rather than skip.
    expect(prometheusBinary(), 'prometheus is not installed: run node scripts/bootstrap.mjs as root, or apt-get install prometheus').toBeDefined();
    const queries = dashboardQueries(DASHBOARD);
    expect(queries.length).toBeGreaterThan(0);

    const ctx = await scope.context('prom-dashboard', 2);

    const ports = { ingest: await freePort(), trainer: await freePort(), scorer: await freePort() };
    ctx.service('trainer', ctx.env({ TRAINER_PORT: ports.trainer, TRAIN_CHECKPOINT_INTERVAL_MS: 500, TRAIN_BATCH_SIZE: 16 }), 'dash-trainer');
    ctx.service('scorer', ctx.env({ SCORER_PORT: ports.scorer, SCORER_POLL_MS: 500 }), 'dash-scorer');
    ctx.service('ingest', ctx.env({ INGEST_PORT: ports.ingest }), 'dash-ingest');

    const prometheus = await TestPrometheus.start({ jobs: ports, ruleFiles: [ALERTS] });
    scope.defer(() => prometheus.stop());

    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.ingest}/readyz`)).ok, 30_000, 'ingest to be ready');
    const stream = feed(ctx, ports.ingest, 300);
    scope.defer(() => stream.stop());

    const up = await eventually(
      async () => {
        const samples = await prometheus.query('up{job=~"ingest|trainer|scorer"} == 1');
        return samples.length === 3 ? samples : undefined;
      },
      30_000,
      'Prometheus to scrape ingest, trainer and scorer',
    );
    expect(up.map((s) => s.metric.job).sort()).toEqual(['ingest', 'scorer', 'trainer']);
    // The scorer consumes once the trainer wrote its first model.
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.scorer}/readyz`)).ok, 30_000, 'the scorer to load a model');

    // [1m] rates need a few scrapes of a flowing stream: poll until every panel has data, then judge.
    let outcomes: QueryOutcome[] = [];
    const deadline = Date.now() + 40_000;
    const earliest = Date.now() + 5_000;
    for (;;) {
      outcomes = await runQueries(prometheus, queries);
      if ((outcomes.every((o) => !o.problem) && Date.now() >= earliest) || Date.now() > deadline) break;
      await sleep(1000);
    }
    const failing = outcomes.filter((o) => o.problem).map((o) => `${o.panel} [${o.refId ?? '?'}]: ${o.expr} -> ${o.problem}`);
    expect(failing, `dashboard queries without data:\n${failing.join('\n')}\nPrometheus log:\n${prometheus.log(10)}`).toEqual([]);

    // The stream's invalid readings reach every service's reject counter.
    const deadLetters = outcomes.filter((o) => o.panel === 'Dead letters by reason');
    expect(deadLetters).toHaveLength(3);
    for (const o of deadLetters) expect(Math.max(...o.values), `${o.expr} stays at 0`).toBeGreaterThan(0);

    // The alert rules parse and evaluate.
    const alerts = parse(readFileSync(ALERTS, 'utf8')) as { groups: { name: string; rules: { alert: string }[] }[] };
    const ruleNames = alerts.groups.find((g) => g.name === 'sonar-stream')!.rules.map((r) => r.alert);
    const group = await eventually(
      async () => {
        const found = (await prometheus.ruleGroups()).find((g) => g.name === 'sonar-stream');
        return found && found.rules.every((r) => r.health === 'ok') ? found : undefined;
      },
      15_000,
      'the sonar-stream alert rules to evaluate with health ok',
    ).catch(async (error: unknown) => {
      const found = (await prometheus.ruleGroups()).find((g) => g.name === 'sonar-stream');
      throw new Error(`${String(error)}\n${JSON.stringify(found?.rules.map((r) => ({ name: r.name, health: r.health, lastError: r.lastError })), null, 2)}`);
    });
    expect(group.rules.map((r) => r.name)).toEqual(ruleNames);
    expect(group.rules.filter((r) => r.lastError)).toEqual([]);
  });
});
