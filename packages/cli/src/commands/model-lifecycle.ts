import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { THETA_LENGTH } from '@sonar/contracts';
import { loadSonar } from '@sonar/dataset';
import { holdoutRows, sonarSourceRows } from '@sonar/ingest';
import { batchFromRows, evaluate, predictionTheta, probabilities } from '@sonar/model';
import { scrape } from '@sonar/runtime';
import type { CheckpointStore } from '@sonar/store';
import { shadowMetrics, type ShadowMetrics } from '../shadow-metrics.ts';

type Stores = (model: string) => CheckpointStore;
type WithStores = (work: (stores: Stores) => Promise<void>) => Promise<void>;

/** `sonar model compare A B` and `sonar model promote B --to A`: a shadow model judged, then made to serve. */
export function addLifecycleCommands(model: Command, withStores: WithStores): void {
  model
    .command('compare')
    .description("two models side by side: their newest checkpoints, both on the data set's 80/20 holdout split, and a scorer's live shadow comparison")
    .argument('<a>', 'a model (the serving one, say)')
    .argument('<b>', 'another (the shadow)')
    .option('--scorer <url>', 'a scorer running with SCORER_SHADOW_MODEL: its live comparison from /metrics', 'http://127.0.0.1:9102')
    .option('--json', 'one JSON object', false)
    .action((a: string, b: string, flags: { scorer: string; json: boolean }) =>
      withStores(async (stores) => {
        const [ca, cb] = await Promise.all([stores(a).load(), stores(b).load()]);
        for (const [name, c] of [[a, ca], [b, cb]] as const) if (!c) throw new Error(`model "${name}" has no checkpoint yet`);
        const offline = offlineComparison(predictionTheta(ca!.state), predictionTheta(cb!.state));
        const live = await liveComparison(flags.scorer);
        const result = {
          models: [ca!, cb!].map((c) => ({ model: c.model, version: c.version, samples: c.samples, cost: c.cost, hyperparameters: c.hyperparameters })),
          holdout: offline,
          live,
        };
        process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : describeComparison(a, b, result));
      }),
    );
  model
    .command('promote')
    .description('make the newest version of model B the newest version of model A: a new version of A with its theta and optimizer state, and where it came from (the scorer swaps it in; A\'s trainer continues from it)')
    .argument('<b>', 'the model whose theta is promoted')
    .requiredOption('--to <a>', 'the model that gets it as its next version')
    .option('--by <name>', 'who promotes it (recorded)', userInfo().username)
    .action((b: string, flags: { to: string; by: string }) =>
      withStores(async (stores) => {
        if (b === flags.to) throw new Error('promote a model to another one; to go back to a version of the same model, use `sonar model rollback`');
        const source = await stores(b).load();
        if (!source) throw new Error(`model "${b}" has no checkpoint yet`);
        const next = await stores(flags.to).promote(source, flags.by);
        process.stdout.write(`model "${flags.to}": version ${next.version} now holds the theta of "${b}" version ${source.version} (promoted by ${flags.by})\n`);
      }),
    );
}

interface Side {
  accuracy: number;
  logLoss: number;
}

/** Both models on the held-out 20 % of the data set (the split of `sonar fit` and `sonar produce --holdout 0.2`, seed 42). */
function offlineComparison(a: Float64Array, b: Float64Array): { rows: number; a: Side; b: Side; agreement: number } {
  if (a.length !== THETA_LENGTH || b.length !== THETA_LENGTH) throw new Error('a checkpoint without 61 coefficients');
  const rows = loadSonar();
  const held = [...holdoutRows(sonarSourceRows(rows), 0.2, 42)].sort((x, y) => x - y);
  const batch = batchFromRows(rows, held);
  const [pa, pb] = [probabilities(a, batch), probabilities(b, batch)];
  let agree = 0;
  for (let i = 0; i < batch.n; i++) if (pa[i]! >= 0.5 === pb[i]! >= 0.5) agree += 1;
  const side = (theta: Float64Array): Side => {
    const e = evaluate(theta, batch);
    return { accuracy: e.accuracy, logLoss: e.logLoss };
  };
  return { rows: batch.n, a: side(a), b: side(b), agreement: agree / batch.n };
}

/** The scorer's shadow metrics, or why there are none. */
async function liveComparison(url: string): Promise<ShadowMetrics | { unavailable: string }> {
  const result = await scrape(`${url.replace(/\/$/, '')}/metrics`, 3000);
  if (!result.up) return { unavailable: `no scorer at ${url}: ${result.error}` };
  const live = shadowMetrics(result.samples);
  if (live.agreement === undefined) return { unavailable: `the scorer at ${url} scores no shadow model (SCORER_SHADOW_MODEL)` };
  return live;
}

function describeComparison(a: string, b: string, r: { models: { model: string; version: number; samples: number; cost: number }[]; holdout: ReturnType<typeof offlineComparison>; live: Awaited<ReturnType<typeof liveComparison>> }): string {
  const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(4));
  const lines = [
    ...r.models.map((m) => `${m.model.padEnd(20)} version ${m.version}, ${m.samples} samples, progressive cost ${m.cost.toFixed(4)}`),
    `data set holdout (${r.holdout.rows} rows): ${a} accuracy ${pct(r.holdout.a.accuracy)} log-loss ${num(r.holdout.a.logLoss)} | ${b} accuracy ${pct(r.holdout.b.accuracy)} log-loss ${num(r.holdout.b.logLoss)} | agreement ${pct(r.holdout.agreement)}`,
    'unavailable' in r.live
      ? `live: ${r.live.unavailable}`
      : `live (scorer, recent holdout readings): serving accuracy ${pct(r.live.serving.accuracy)} log-loss ${num(r.live.serving.logLoss)} | shadow (version ${r.live.shadowVersion ?? 'n/a'}) accuracy ${pct(r.live.shadow.accuracy)} log-loss ${num(r.live.shadow.logLoss)} | agreement ${pct(r.live.agreement)}`,
  ];
  return `${lines.join('\n')}\n`;
}
