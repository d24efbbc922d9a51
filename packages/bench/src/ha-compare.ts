import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalStack, sonarHome, throwawayHaStack } from '@sonar/stack';
import { fittedTheta, RunScope, writeModel } from '@sonar/testkit';
import { scorerThroughput, trainerThroughput, type ScorerFigures, type TrainerFigures } from './consume-rate.ts';
import type { Throughput } from './measure.ts';
import { prefill } from './produce-rate.ts';

/** One deployment's figures: produce (acks=all), trainer and scorer on the same pre-filled topic. */
export interface DeploymentFigures {
  produce: Throughput;
  trainer: TrainerFigures;
  scorer: ScorerFigures;
}

export interface HaComparison {
  date: string;
  readings: number;
  singleNode: DeploymentFigures;
  ha: DeploymentFigures & { stackUpSeconds: number };
}

export interface HaBenchOptions {
  readings: number;
  /** The single-node stack's broker and Redis. */
  brokers: string[];
  redisUrl: string;
  out?: string;
  say: (message: string) => void;
}

/**
 * `sonar bench --ha`: the produce, trainer and scorer figures on the single-node stack, then on
 * a throwaway HA stack (three brokers, topics replicated three times with two in sync, Redis
 * through Sentinels, checkpoints acknowledged by the replica), side by side.
 */
export async function runHaBench(options: HaBenchOptions): Promise<HaComparison> {
  const { say, readings } = options;
  const local = new LocalStack();
  const { started } = await local.upTracked(say, { prometheus: false });
  const logDir = join(sonarHome(), 'bench', `ha-${Date.now().toString(36)}`);
  let singleNode: DeploymentFigures;
  try {
    say(`single-node stack: ${readings.toLocaleString('en-US')} readings`);
    singleNode = await measure(await RunScope.open('bench', { brokers: options.brokers, redisUrl: options.redisUrl, logDir: join(logDir, 'single') }), readings, {}, {});
  } finally {
    await local.downOnly(started, say);
  }
  say('HA stack: three brokers, Redis with a replica and Sentinels, on free ports');
  const { stack, upMs, stop } = await throwawayHaStack();
  let ha: DeploymentFigures;
  try {
    const primary = await stack.primary();
    say(`HA stack up in ${(upMs / 1000).toFixed(1)} s: ${readings.toLocaleString('en-US')} readings`);
    const run = await RunScope.open('bench-ha', { brokers: stack.brokers, redisUrl: `redis://${primary}`, logDir: join(logDir, 'ha') });
    ha = await measure(run, readings, await stack.serviceEnv('trainer'), await stack.serviceEnv('scorer'));
  } finally {
    await stop();
  }
  const results: HaComparison = { date: new Date().toISOString(), readings, singleNode, ha: { ...ha, stackUpSeconds: upMs / 1000 } };
  const out = options.out ?? join(logDir, 'results.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderHaComparison(results)}\n\nresults: ${out}\n`);
  return results;
}

async function measure(run: RunScope, readings: number, trainerEnv: Record<string, string>, scorerEnv: Record<string, string>): Promise<DeploymentFigures> {
  const theta = fittedTheta();
  try {
    const topic = run.topicsFor('prefilled').readings;
    const produce = await prefill(run, topic, readings);
    const trainer = await trainerThroughput(run, 'json', topic, readings, trainerEnv);
    const served = (model: string) => writeModel(run, { model, version: 1, theta, samples: 0 }).then(() => undefined);
    const scorer = await scorerThroughput(run, 'json', topic, readings, served, scorerEnv);
    return { produce, trainer, scorer };
  } finally {
    await run.cleanup();
  }
}

/** The table `sonar bench --ha` prints: each figure on one broker and on three, and their ratio. */
export function renderHaComparison(r: HaComparison): string {
  const rate = (t: Throughput) => `${Math.round(t.perSecond).toLocaleString('en-US')}/s`;
  const ratio = (a: Throughput, b: Throughput) => (b.perSecond > 0 ? `${(a.perSecond / b.perSecond).toFixed(2)}×` : 'n/a');
  const pairs: [string, (d: DeploymentFigures) => Throughput][] = [
    ['produce (acks=all)', (d) => d.produce],
    ['trainer, pre-filled topic', (d) => d.trainer.trainer],
    ['no-op kafkajs consumer', (d) => d.trainer.noop],
    ['scorer (events acked)', (d) => d.scorer.scorer],
    ['kafkajs consume→produce relay', (d) => d.scorer.relay],
  ];
  const rows = pairs.map(([name, pick]) => [name, rate(pick(r.singleNode)), rate(pick(r.ha)), ratio(pick(r.ha), pick(r.singleNode))]);
  const header = [`${r.readings.toLocaleString('en-US')} readings, 3 partitions`, 'single node', 'HA (3 brokers, RF 3, min ISR 2)', 'HA / single'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`sonar bench --ha ${r.date} (HA stack up in ${r.ha.stackUpSeconds.toFixed(1)} s)`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
