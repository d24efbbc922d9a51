import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sonarHome } from '@sonar/stack';
import { freePort, runSonar } from '@sonar/testkit';
import type { TestContext } from '../support/context.ts';
import { testScope } from '../support/scope.ts';

const scope = testScope();

/** A context whose model names the demo's namespace: the demo names its topics after it (and --shadow's challenger after `<model>-challenger`), and they go with the context. */
async function demoContext(name: string): Promise<TestContext> {
  const ctx = await scope.context(name, 0);
  ctx.defer(async () => {
    const mine = (await ctx.admin.listTopics()).filter((topic) => topic.startsWith(`${ctx.model}.`) || topic.startsWith(`${ctx.model}-challenger.`));
    if (mine.length > 0) await ctx.admin.deleteTopics({ topics: mine });
  });
  return ctx;
}

interface Summary {
  mode: string;
  readings: { sent: number; classified: number; malformed: number };
  holdout: { rows: number; liveModelAccuracy: number; fitAccuracy: number };
  model: { samples: number; hyperparameters: Record<string, unknown> };
  deadLetters: { total: number; byService: Record<string, number> };
  workers: { id: string; port: number; readingsSent: number; gradientsApplied: number }[];
  partitions: number;
  meanStaleness?: number;
  shadow?: {
    serving: { model: string; optimizer: string; accuracy?: number; logLoss?: number };
    challenger: { model: string; optimizer: string; accuracy?: number; logLoss?: number; version: number; samples: number; scoredVersion?: number };
    agreement?: number;
    scored: number;
    nextSteps: string[];
  };
}

const lastLine = (stdout: string): Summary => JSON.parse(stdout.trim().split('\n').at(-1)!) as Summary;

// The main job end to end, as `sonar demo` runs it, shorter: stack, the three services
// as processes, the data set streamed through ingest with a stratified 80/20 holdout.
describe('sonar demo (end to end)', () => {
  it('classifies every reading and reaches a holdout accuracy of at least 0.80', async () => {
    const ctx = await demoContext('e2e');
    const [ingest, trainer, scorer] = await Promise.all([freePort(), freePort(), freePort()]);
    const { code, stdout, stderr } = await runSonar(
      ['demo', '--namespace', ctx.model, '--epochs', '100', '--rate', '4000', '--json'],
      ctx.env({ INGEST_PORT: ingest, TRAINER_PORT: trainer, SCORER_PORT: scorer }),
      600_000,
    );
    expect(code, stderr).toBe(0);
    const summary = lastLine(stdout);
    expect(summary.mode).toBe('exact');
    expect(summary.workers).toEqual([]);
    expect(summary.readings.sent).toBe(208 * 100);
    expect(summary.readings.classified).toBe(summary.readings.sent);
    expect(summary.holdout.rows).toBe(42);
    process.stdout.write(`demo: holdout accuracy ${summary.holdout.liveModelAccuracy} (sonar fit ${summary.holdout.fitAccuracy})\n`);
    expect(summary.holdout.liveModelAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(summary.model.samples).toBe(Math.floor((166 * 100) / 16) * 16);
    expect(summary.deadLetters.byService).toEqual({ trainer: summary.readings.malformed, scorer: summary.readings.malformed });
  });

  it('--parallel: an applier and 3 gradient workers on 6 partitions apply every labeled reading once, and every reading is classified', async () => {
    const ctx = await demoContext('e2e-parallel');
    const [ingest, trainer, scorer, ...workers] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    const { code, stdout, stderr } = await runSonar(
      ['demo', '--parallel', '--namespace', ctx.model, '--epochs', '40', '--rate', '2000', '--json'],
      ctx.env({ INGEST_PORT: ingest!, TRAINER_PORT: trainer!, SCORER_PORT: scorer!, TRAINER_WORKER_PORTS: workers.join(',') }),
      110_000,
    );
    expect(code, stderr).toBe(0);
    const summary = lastLine(stdout);
    expect(summary.mode).toBe('parallel');
    expect(summary.model.hyperparameters.mode).toBe('parallel');
    expect(summary.partitions).toBe(6);
    expect(summary.readings.sent).toBe(208 * 40);
    expect(summary.readings.classified).toBe(summary.readings.sent);
    // Partial mini-batches go too: every labeled, non-holdout reading, each once.
    expect(summary.model.samples).toBe(166 * 40);
    expect(summary.workers.map((w) => [w.id, w.port])).toEqual(workers.map((port, i) => [`w${i + 1}`, port]));
    for (const w of summary.workers) expect(Math.min(w.readingsSent, w.gradientsApplied), `${w.id} did its share`).toBeGreaterThan(0);
    // Each worker counts what it sent once its transaction committed, which may be after the applier applied it: at most the samples.
    expect(summary.workers.reduce((sum, w) => sum + w.readingsSent, 0)).toBeLessThanOrEqual(summary.model.samples);
    expect(summary.meanStaleness).toBeGreaterThanOrEqual(0);
    process.stdout.write(`demo --parallel: holdout accuracy ${summary.holdout.liveModelAccuracy}, mean staleness ${summary.meanStaleness} versions\n`);
    // The workers dead-letter in transactions, whose markers take offsets of the topic too: counted as letters read.
    expect(summary.deadLetters.byService).toEqual({ 'trainer-worker': summary.readings.malformed, scorer: summary.readings.malformed });
    expect(summary.deadLetters.total).toBe(2 * summary.readings.malformed);
  });

  it('--shadow: a challenger on adam trains beside the serving sgd trainer on every reading, and the scorer compares the two', async () => {
    const ctx = await demoContext('e2e-shadow');
    const [ingest, trainer, scorer, challengerPort] = await Promise.all(Array.from({ length: 4 }, () => freePort()));
    const epochs = 20;
    const { code, stdout, stderr } = await runSonar(
      ['demo', '--shadow', '--namespace', ctx.model, '--epochs', String(epochs), '--rate', '1000', '--json'],
      // At info the scorer logs the shadow model it loads.
      ctx.env({ INGEST_PORT: ingest!, TRAINER_PORT: trainer!, SCORER_PORT: scorer!, TRAINER_SHADOW_PORT: challengerPort!, LOG_LEVEL: 'info' }),
      110_000,
    );
    expect(code, stderr).toBe(0);
    const summary = lastLine(stdout);
    const shadow = summary.shadow!;
    const challenger = `${ctx.model}-challenger`;
    expect(summary.mode).toBe('exact');
    expect(summary.model.hyperparameters.optimizer).toBe('sgd');
    expect(shadow.serving).toMatchObject({ model: ctx.model, optimizer: 'sgd' });
    expect(shadow.challenger).toMatchObject({ model: challenger, optimizer: 'adam' });
    // Its own consumer group and keys: it read every reading from the start, as the serving trainer did.
    expect(shadow.challenger.samples).toBe(summary.model.samples);
    expect(summary.model.samples).toBe(Math.floor((166 * epochs) / 16) * 16);
    for (const value of [shadow.serving.accuracy, shadow.challenger.accuracy, shadow.agreement]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    for (const value of [shadow.serving.logLoss, shadow.challenger.logLoss]) expect(value).toBeGreaterThan(0);
    expect(shadow.scored).toBe(summary.readings.sent);
    expect(shadow.scored).toBeGreaterThan(0);
    expect(shadow.challenger.scoredVersion).toBeGreaterThanOrEqual(1);
    expect(shadow.challenger.scoredVersion).toBeLessThanOrEqual(shadow.challenger.version);
    // The scorer says which model it loaded as its shadow.
    const scorerLog = readFileSync(join(sonarHome(), 'demo', 'scorer.log'), 'utf8').split('\n').filter((line) => line.includes('shadow model loaded'));
    expect(scorerLog.length).toBeGreaterThan(0);
    for (const line of scorerLog) expect((JSON.parse(line) as { shadow: string }).shadow).toBe(challenger);
    expect(shadow.nextSteps).toEqual([`pnpm sonar model compare ${ctx.model} ${challenger} --scorer http://127.0.0.1:${scorer}`, `pnpm sonar model promote ${challenger} --to ${ctx.model}`]);
    // The challenger's letters go to its own topic: the summary counts each malformed record once per service.
    expect(summary.deadLetters.byService).toEqual({ trainer: summary.readings.malformed, scorer: summary.readings.malformed });
    process.stdout.write(
      `demo --shadow: stream holdout accuracy sgd ${shadow.serving.accuracy}, adam ${shadow.challenger.accuracy}, agreement ${shadow.agreement}\n`,
    );
  });
});
