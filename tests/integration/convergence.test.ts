import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchFromRows, predictionTheta, regularisedObjective } from '@sonar/model';
import { loadSonar } from '@sonar/dataset';
import { holdoutRows } from '@sonar/ingest';
import { fullBatches, plannedTrainable, produceReadings, runSonar, sonarRows, trained } from '@sonar/testkit';
import { testScope } from '../support/scope.ts';

const scope = testScope();

describe('converging, not just moving', () => {
  it('a streaming run with L2 = 1/(C·n), C = 1, reaches the offline optimum’s regularised objective within 0.5 %', async () => {
    const ctx = await scope.context('converge');
    const plan = { epochs: 120, shuffle: true, holdout: 0.2, seed: 42 };
    const trainable = plannedTrainable(plan);
    const train = [...Array(208).keys()].filter((i) => !holdoutRows(sonarRows(), 0.2, 42).has(i));
    expect(train).toHaveLength(166);
    const l2 = 1 / (1 * train.length);

    // The offline optimum on the same rows, from `sonar fit` (the rows in the file `sonar produce --split-out` writes).
    const dir = mkdtempSync(join(tmpdir(), 'sonar-converge-'));
    scope.defer(async () => rmSync(dir, { recursive: true, force: true }));
    const rowsFile = join(dir, 'train-rows.json');
    writeFileSync(rowsFile, JSON.stringify(train));
    const fitted = await runSonar(['fit', '--train-rows', rowsFile, '--l2', String(l2), '--json']);
    expect(fitted.code, fitted.stderr).toBe(0);
    const offline = JSON.parse(fitted.stdout) as { optimumObjective: number | null; objective: number };
    expect(offline.optimumObjective).not.toBeNull();

    await produceReadings(ctx.kafka, ctx.topics.readings, plan);
    await ctx.serviceOnFreePort('trainer', { TRAIN_OPTIMIZER: 'sgd', TRAIN_ALPHA: 0.5, TRAIN_L2: l2, TRAIN_AVERAGE: 'true', TRAIN_AVERAGE_FROM: 500, TRAIN_BATCH_SIZE: 32, TRAIN_CHECKPOINT_EVERY: 1 });
    const checkpoint = await trained(ctx, fullBatches(trainable, 32));
    const streaming = regularisedObjective(predictionTheta(checkpoint.state), batchFromRows(loadSonar(), train), l2);
    const gap = streaming / offline.optimumObjective! - 1;
    console.log(
      `[converge] λ = 1/166: streaming ${streaming.toFixed(6)} after ${plan.epochs} epochs (${checkpoint.batches} steps of sgd α = 0.5, averaged from step 500) ` +
        `vs the optimum ${offline.optimumObjective!.toFixed(6)} (+${(gap * 100).toFixed(3)} %); sonar fit's 1,000 GD iterations: ${offline.objective.toFixed(6)}`,
    );
    expect(gap).toBeGreaterThanOrEqual(-1e-9);
    expect(gap).toBeLessThanOrEqual(0.005);
  });
});
