import { describe, expect, it } from 'vitest';
import { freePort, runSonar } from '@sonar/testkit';
import { testScope } from '../support/scope.ts';

const scope = testScope();

// The main job end to end, as `sonar demo` runs it, shorter: stack, the three services
// as processes, the data set streamed through ingest with a stratified 80/20 holdout.
describe('sonar demo (end to end)', () => {
  it('classifies every reading and reaches a holdout accuracy of at least 0.80', async () => {
    const ctx = await scope.context('e2e', 0);
    // The demo names its topics after its namespace (here the context's model).
    ctx.defer(async () => {
      const mine = (await ctx.admin.listTopics()).filter((topic) => topic.startsWith(`${ctx.model}.`));
      if (mine.length > 0) await ctx.admin.deleteTopics({ topics: mine });
    });
    const [ingest, trainer, scorer] = await Promise.all([freePort(), freePort(), freePort()]);
    const { code, stdout, stderr } = await runSonar(
      ['demo', '--namespace', ctx.model, '--epochs', '100', '--rate', '4000', '--json'],
      ctx.env({ INGEST_PORT: ingest, TRAINER_PORT: trainer, SCORER_PORT: scorer }),
      600_000,
    );
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      readings: { sent: number; classified: number; malformed: number };
      holdout: { rows: number; liveModelAccuracy: number; fitAccuracy: number };
      model: { samples: number };
      deadLetters: { total: number; byService: Record<string, number> };
    };
    expect(summary.readings.sent).toBe(208 * 100);
    expect(summary.readings.classified).toBe(summary.readings.sent);
    expect(summary.holdout.rows).toBe(42);
    process.stdout.write(`demo: holdout accuracy ${summary.holdout.liveModelAccuracy} (sonar fit ${summary.holdout.fitAccuracy})\n`);
    expect(summary.holdout.liveModelAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(summary.model.samples).toBe(Math.floor((166 * 100) / 16) * 16);
    expect(summary.deadLetters.byService).toEqual({ trainer: summary.readings.malformed, scorer: summary.readings.malformed });
  });
});
