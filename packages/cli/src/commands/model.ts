import { predictionTheta } from '@sonar/model';
import { Command } from 'commander';
import { redisConnection } from '@sonar/runtime';
import { CheckpointStore, openRedis, type Checkpoint } from '@sonar/store';
import { commandEnv } from '../env.ts';
import { integer } from '../parse.ts';
import { addLifecycleCommands } from './model-lifecycle.ts';

export function modelCommand(): Command {
  const model = new Command('model').description('inspect and manage the checkpoints of SONAR_MODEL in Redis');
  model
    .command('show')
    .description('the newest checkpoint: version, cost, samples, age, accuracy, hyperparameters, offsets')
    .option('--json', 'print it as JSON (theta included)', false)
    .action((flags: { json: boolean }) =>
      withStore(async (store) => {
        const checkpoint = await store.load();
        if (!checkpoint) throw new Error(`model "${store.model}" has no checkpoint yet`);
        process.stdout.write(flags.json ? `${JSON.stringify(toJson(checkpoint))}\n` : describe(checkpoint));
      }),
    );
  model
    .command('history')
    .description('recent checkpoints, newest first')
    .option('--limit <n>', 'how many', integer(1), 20)
    .action((flags: { limit: number }) =>
      withStore(async (store) => {
        const history = await store.history(flags.limit);
        if (history.length === 0) throw new Error(`model "${store.model}" has no checkpoint yet`);
        const rows = history.map((c) => [
          String(c.version),
          new Date(c.updatedAt).toISOString(),
          age(c.updatedAt),
          String(c.samples),
          c.cost.toFixed(4),
          Number.isFinite(c.accuracy) ? c.accuracy.toFixed(3) : 'n/a',
          c.rolledBackFrom ? `rollback of ${c.rolledBackFrom}` : c.promotedFrom ? `promoted from "${c.promotedFrom.model}" version ${c.promotedFrom.version} by ${c.promotedFrom.by}` : '',
        ]);
        printTable(['version', 'written', 'age', 'samples', 'cost', 'accuracy', ''], rows);
      }),
    );
  model
    .command('rollback')
    .description('make version V the newest again: a new version with its theta and optimizer state (the scorer swaps it in; the trainer continues from it)')
    .argument('<version>', 'a version from `sonar model history`', integer(1))
    .action((version: number) =>
      withStore(async (store) => {
        const next = await store.rollback(version);
        process.stdout.write(`model "${store.model}": version ${next.version} now holds the theta of version ${version}\n`);
      }),
    );
  addLifecycleCommands(model, withStores);
  return model;
}

/** The checkpoint stores of any model of the deployment (REDIS_URL, REDIS_PREFIX), on one connection. */
async function withStores(work: (stores: (model: string) => CheckpointStore) => Promise<void>): Promise<void> {
  const env = commandEnv();
  const redis = await openRedis(redisConnection(env), 'sonar-model');
  try {
    await work((model) => new CheckpointStore(redis, model, env.REDIS_PREFIX));
  } finally {
    redis.disconnect();
  }
}

function withStore(work: (store: CheckpointStore) => Promise<void>): Promise<void> {
  return withStores((stores) => work(stores(commandEnv().SONAR_MODEL)));
}

function toJson(c: Checkpoint) {
  return {
    model: c.model,
    version: c.version,
    theta: Array.from(predictionTheta(c.state)),
    ...(c.state.average ? { iterate: Array.from(c.state.theta), averagedSteps: c.state.average.count } : {}),
    cost: c.cost,
    accuracy: Number.isFinite(c.accuracy) ? c.accuracy : null,
    samples: c.samples,
    batches: c.batches,
    steps: c.state.step,
    topic: c.topic,
    offsets: c.offsets,
    updatedAt: c.updatedAt,
    hyperparameters: c.hyperparameters,
    mode: trainingMode(c),
    sourceOffsets: c.sourceOffsets ?? null,
    epoch: c.epoch ?? null,
    rolledBackFrom: c.rolledBackFrom ?? null,
    promotedFrom: c.promotedFrom ?? null,
  };
}

function describe(c: Checkpoint): string {
  const lines = [
    ['model', c.model],
    ['version', `${c.version}${c.rolledBackFrom ? ` (rollback of ${c.rolledBackFrom})` : ''}${c.promotedFrom ? ` (promoted from "${c.promotedFrom.model}" version ${c.promotedFrom.version} by ${c.promotedFrom.by}, ${new Date(c.promotedFrom.at).toISOString()})` : ''}`],
    ['written', `${new Date(c.updatedAt).toISOString()} (${age(c.updatedAt)} ago)`],
    ['cost', `${c.cost.toFixed(6)} (progressive, last batch)`],
    ['accuracy', Number.isFinite(c.accuracy) ? `${(c.accuracy * 100).toFixed(1)}% (progressive, recent readings)` : 'n/a'],
    ['samples', `${c.samples} readings in ${c.batches} mini-batches`],
    ['mode', trainingMode(c) === 'parallel' ? 'parallel (gradient workers, one applier)' : 'exact (one trainer)'],
    ['hyperparameters', Object.entries(c.hyperparameters).filter(([k]) => k !== 'mode').map(([k, v]) => `${k}=${String(v)}`).join(' ')],
    ['offsets', `${c.topic} ${Object.entries(c.offsets).map(([p, o]) => `${p}:${o}`).join(' ')}`],
    ...(c.sourceOffsets ? [['readings applied', Object.entries(c.sourceOffsets).map(([p, o]) => `${p}:${o}`).join(' ')]] : []),
    ['theta', `[${Array.from(predictionTheta(c.state).slice(0, 4), (t) => t.toFixed(4)).join(', ')}, ...] (bias first; --json for all 61)${c.state.average ? `, the average of ${c.state.average.count} iterates` : ''}`],
  ];
  return `${lines.map(([k, v]) => `${k!.padEnd(16)}${v}`).join('\n')}\n`;
}

/** How a checkpoint was trained; one written before parallel mode existed was trained in exact mode. */
function trainingMode(c: Checkpoint): 'exact' | 'parallel' {
  return c.hyperparameters.mode === 'parallel' ? 'parallel' : 'exact';
}

function age(at: number): string {
  const s = Math.max(0, (Date.now() - at) / 1000);
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
}
