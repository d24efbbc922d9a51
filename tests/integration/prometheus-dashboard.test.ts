import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { repoRoot } from '@sonar/stack';
import type { TestContext } from '../support/context.ts';
import { testScope } from '../support/scope.ts';
import { dashboardQueries, prometheusBinary, type PanelQuery, type PromSample, TestPrometheus } from '../support/prometheus.ts';
import { eventually, freePort, sonarRows } from '@sonar/testkit';

const DASHBOARD = join(repoRoot(), 'infra/grafana/dashboards/sonar-stream.json');
const ALERTS = join(repoRoot(), 'infra/prometheus/alerts.yml');

// Last started, first stopped: the feed, then Prometheus, then the services and topics.
const scope = testScope();

/**
 * Keeps a stream flowing until stopped: valid readings (some held out) and a few
 * invalid ones POSTed to ingest, and a few invalid raw records straight to the
 * readings topic, so every consumer has something to dead-letter; the same valid
 * readings and raw records go straight to the parallel pipeline's readings topic.
 */
function feed(ctx: TestContext, ingestPort: number, perSecond: number, parallelReadings: string) {
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
      const raw = [{ value: `{"id":"dash-raw-${n}","features":[1,2,3],"label":"R"}` }, { value: '{"id": "broken' }];
      await Promise.all([
        post(ingestPort, readings),
        post(ingestPort, invalid),
        producer.send({ topic: ctx.topics.readings, messages: raw }),
        producer.send({ topic: parallelReadings, messages: [...readings.map((r) => ({ value: JSON.stringify(r) })), ...raw] }),
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
  samples: PromSample[];
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
        return { ...q, samples, values, problem };
      } catch (error) {
        return { ...q, samples: [], values: [], problem: String(error) };
      }
    }),
  );
}

function panelQuery(outcomes: QueryOutcome[], panel: string, refId: string): QueryOutcome {
  const found = outcomes.find((o) => o.panel === panel && o.refId === refId);
  if (!found) throw new Error(`the dashboard has no query ${refId} in panel "${panel}"`);
  return found;
}

/** The workers whose gradients the applier applied in the last minute, by id. */
const appliedByWorker = (outcomes: QueryOutcome[]): string[] =>
  panelQuery(outcomes, 'Gradients applied', 'B').samples.filter((s) => s.value > 0).map((s) => s.metric.worker ?? '').sort();

const bothWorkersApplied = (outcomes: QueryOutcome[]) => appliedByWorker(outcomes).length === 2;

describe('Prometheus and the Grafana dashboard', () => {
  it('every dashboard panel query returns data from a real Prometheus scraping a live pipeline, exact and parallel, and the alert rules load', async () => {
    // The bootstrap installs it (as root on Debian); without it this test fails rather than skip.
    expect(prometheusBinary(), 'prometheus is not installed: run node scripts/bootstrap.mjs as root, or apt-get install prometheus').toBeDefined();
    const queries = dashboardQueries(DASHBOARD);
    expect(queries.length).toBeGreaterThan(0);

    const ctx = await scope.context('prom-dashboard', 2);
    // Parallel mode beside it, for the row "Parallel training": an applier and two gradient workers on a model and topics of their own.
    const parallel = { model: `${ctx.model}-parallel`, topics: ctx.topicsFor('parallel') };
    await ctx.createTopics(2, parallel.topics);

    const ports = { ingest: await freePort(), trainer: await freePort(), scorer: await freePort(), applier: await freePort(), workers: [await freePort(), await freePort()] };
    ctx.service('trainer', ctx.env({ TRAINER_PORT: ports.trainer, TRAIN_CHECKPOINT_INTERVAL_MS: 500, TRAIN_BATCH_SIZE: 16 }), 'dash-trainer');
    // The parallel model in shadow, for the row "Model lifecycle".
    ctx.service('scorer', ctx.env({ SCORER_PORT: ports.scorer, SCORER_POLL_MS: 500, SCORER_SHADOW_MODEL: parallel.model }), 'dash-scorer');
    ctx.service('ingest', ctx.env({ INGEST_PORT: ports.ingest }), 'dash-ingest');

    // The jobs of infra/prometheus/prometheus.yml: the applier is a trainer, the workers have a job of their own.
    const jobs = { ingest: ports.ingest, trainer: [ports.trainer, ports.applier], scorer: ports.scorer, 'trainer-worker': ports.workers };
    const prometheus = await TestPrometheus.start({ jobs, ruleFiles: [ALERTS] });
    scope.defer(() => prometheus.stop());

    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.ingest}/readyz`)).ok, 30_000, 'ingest to be ready');
    // Then the parallel pipeline: six processes starting at once on two loaded cores keep ingest waiting too long.
    ctx.service('trainer', ctx.env({ TRAINER_PORT: ports.applier, TRAINER_ROLE: 'applier', TRAIN_CHECKPOINT_INTERVAL_MS: 500 }, parallel), 'dash-applier');
    ports.workers.forEach((port, i) =>
      ctx.service('trainer', ctx.env({ TRAINER_PORT: port, TRAINER_ROLE: 'worker', TRAINER_WORKER_ID: `w${i + 1}`, TRAIN_BATCH_SIZE: 16, TRAIN_BATCH_MAX_WAIT_MS: 200 }, parallel), `dash-worker-${i + 1}`),
    );
    const stream = feed(ctx, ports.ingest, 300, parallel.topics.readings);
    scope.defer(() => stream.stop());

    const up = await eventually(
      async () => {
        const samples = await prometheus.query('up{job=~"ingest|trainer|trainer-worker|scorer"} == 1');
        return samples.length === 6 ? samples : undefined;
      },
      60_000,
      'Prometheus to scrape ingest, trainer, applier, scorer and both workers',
    );
    expect(up.map((s) => s.metric.job).sort()).toEqual(['ingest', 'scorer', 'trainer', 'trainer', 'trainer-worker', 'trainer-worker']);
    // The scorer consumes once the trainer wrote its first model.
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.scorer}/readyz`)).ok, 30_000, 'the scorer to load a model');

    // [1m] rates need a few scrapes of a flowing stream: poll until every panel has data and both workers send, then judge.
    let outcomes: QueryOutcome[] = [];
    const deadline = Date.now() + 40_000;
    const earliest = Date.now() + 5_000;
    for (;;) {
      outcomes = await runQueries(prometheus, queries);
      if ((outcomes.every((o) => !o.problem) && bothWorkersApplied(outcomes) && Date.now() >= earliest) || Date.now() > deadline) break;
      await sleep(1000);
    }
    const failing = outcomes.filter((o) => o.problem).map((o) => `${o.panel} [${o.refId ?? '?'}]: ${o.expr} -> ${o.problem}`);
    expect(failing, `dashboard queries without data:\n${failing.join('\n')}\nPrometheus log:\n${prometheus.log(10)}`).toEqual([]);

    // The stream's invalid readings reach every service's reject counter, the workers' included.
    const deadLetters = outcomes.filter((o) => o.panel === 'Dead letters by reason');
    expect(deadLetters).toHaveLength(4);
    for (const o of deadLetters) expect(Math.max(...o.values), `${o.expr} stays at 0`).toBeGreaterThan(0);

    // The parallel row tells the workers apart: gradients applied by worker id, readings sent and model version by worker target.
    expect(appliedByWorker(outcomes)).toEqual(['w1', 'w2']);
    const workerTargets = ports.workers.map((port) => `127.0.0.1:${port}`).sort();
    const sent = panelQuery(outcomes, 'Worker readings sent', 'A');
    expect(sent.samples.filter((s) => s.value > 0).map((s) => s.metric.instance).sort(), sent.expr).toEqual(workerTargets);
    const versions = panelQuery(outcomes, 'Model version at the workers', 'A');
    expect(versions.samples.map((s) => s.metric.instance).sort(), versions.expr).toEqual(workerTargets);

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
