import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import asciichart from 'asciichart';
import { loadSonar } from '@sonar/dataset';
import { batchFromRows, fit, newtonOptimum, OPTIMIZER_NAMES, type OptimizerName } from '@sonar/model';
import { fraction, integer, number } from '../parse.ts';

interface FitFlags {
  alpha: number;
  iterations: number;
  l2: number;
  optimizer: OptimizerName;
  trainRows?: string;
  testSize: number;
  seed: number;
  file?: string;
  json: boolean;
}

export function fitCommand(): Command {
  return new Command('fit')
    .description('offline full-batch gradient descent exactly as the derivation: the reference the stream is compared with')
    .option('--alpha <a>', 'learning rate', number(Number.MIN_VALUE), 0.1)
    .option('--iterations <n>', 'gradient descent iterations', integer(0), 1000)
    .option('--l2 <l>', 'L2 strength λ (the bias is not penalised)', number(0), 0)
    .addOption(new Option('--optimizer <name>', 'update rule on the full batch').choices([...OPTIMIZER_NAMES]).default('sgd'))
    .option('--train-rows <file>', 'JSON array of 0-based row numbers to train on; the other rows are the test set')
    .option('--test-size <f>', 'test fraction of the stratified split (without --train-rows)', fraction(), 0.2)
    .option('--seed <s>', 'seed of the split', integer(0), 42)
    .option('--file <path>', 'a sonar CSV file instead of the shipped data set')
    .option('--json', 'print one JSON object: theta, cost, trainAccuracy, testAccuracy, ...', false)
    .action((flags: FitFlags) => {
      const rows = loadSonar(flags.file);
      const trainRows = flags.trainRows ? readTrainRows(flags.trainRows, rows.length) : undefined;
      const started = performance.now();
      const result = fit(rows, { ...flags, trainRows });
      const seconds = (performance.now() - started) / 1000;
      // With a penalty the objective has one minimiser: Newton finds it exactly, the yardstick for any run.
      const optimum = flags.l2 > 0 ? newtonOptimum(batchFromRows(rows, result.trainRows), flags.l2) : undefined;
      const optimumObjective = optimum?.ok ? optimum.objective : null;
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({
            theta: Array.from(result.theta),
            cost: result.cost,
            objective: result.objective,
            optimumObjective,
            trainAccuracy: result.train.accuracy,
            testAccuracy: result.test?.accuracy ?? null,
            testAuc: result.test?.auc ?? null,
            testF1: result.test?.f1 ?? null,
            trainRows: result.trainRows.length,
            testRows: result.testRows.length,
            iterations: flags.iterations,
            alpha: flags.alpha,
            l2: flags.l2,
            optimizer: flags.optimizer,
          })}\n`,
        );
        return;
      }
      const test = result.test;
      const out = [
        `sonar fit: ${flags.optimizer}, alpha ${flags.alpha}, ${flags.iterations} iterations, L2 ${flags.l2}, ${seconds.toFixed(2)} s`,
        `  rows          ${result.trainRows.length} train / ${result.testRows.length} test`,
        `  cost          ${result.costs[0]!.toFixed(6)} → ${result.cost.toFixed(6)}`,
        ...(flags.l2 > 0
          ? [`  objective     J + (λ/2)·Σθ² = ${result.objective.toFixed(6)}; the optimum (Newton) ${optimumObjective === null ? 'not found' : optimumObjective.toFixed(6)}`]
          : []),
        `  train         accuracy ${pct(result.train.accuracy)}`,
        test
          ? `  test          accuracy ${pct(test.accuracy)}  precision ${pct(test.precision)}  recall ${pct(test.recall)}  F1 ${test.f1.toFixed(3)}  AUC ${test.auc.toFixed(3)}`
          : '  test          (no test rows)',
        '',
        '  cost by iteration',
        asciichart.plot(sample(result.costs, 60), { height: 10, format: (x: number) => x.toFixed(4).padStart(8) }),
        '',
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
}

function readTrainRows(file: string, rowCount: number): number[] {
  const rows: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(rows) || !rows.every((r) => Number.isInteger(r) && r >= 0 && r < rowCount)) {
    throw new Error(`${file} must hold a JSON array of row numbers in [0, ${rowCount})`);
  }
  return [...new Set(rows as number[])];
}

/** At most `width` points of a curve, evenly spaced, ending with its last value. */
export function sample(values: Float64Array, width: number): number[] {
  if (values.length <= width) return Array.from(values);
  return Array.from({ length: width }, (_, i) => values[Math.round((i * (values.length - 1)) / (width - 1))]!);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
