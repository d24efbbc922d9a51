// Mini-batch training throughput of the model package against a naive
// array-of-arrays implementation of the same update, in the same process.
//
//   pnpm bench:model
//
// Both sides run plain SGD, θ ← θ - α Xᵀ(sigmoid(Xθ) - y) / n, over the Sonar
// rows repeated, in consecutive mini-batches. The naive side stores the data as
// number[][] and allocates its arrays per step, as straightforward code would.
import { THETA_LENGTH } from '@sonar/contracts';
import { loadSonar } from '@sonar/dataset';
import { batchFromRows, initialState, optimizerStep, optimizerStepInPlace, sliceRows } from '@sonar/model';
import type { OptimizerConfig, TrainingState } from '@sonar/model';

const BATCH_SIZES = [1, 32, 256];
const SAMPLES = 400_000;
const WARM_UP_SAMPLES = 50_000;
const REPEATS = 3;
const COPIES = 64; // 208 · 64 = 13 312 rows, a multiple of every batch size above
const config: OptimizerConfig = { optimizer: 'sgd', alpha: 0.01 };

const rows = loadSonar();
const repeated = Array.from({ length: COPIES }, () => rows).flat();
const batch = batchFromRows(repeated);
const naiveX: number[][] = repeated.map((r) => [1, ...r.features]);
const naiveY: number[] = repeated.map((r) => r.label);

type Trainer = (batchSize: number, samples: number) => Float64Array | number[];

function trainPure(batchSize: number, samples: number): Float64Array {
  let state: TrainingState = initialState(config, THETA_LENGTH);
  for (let start = 0, done = 0; done < samples; done += batchSize, start = (start + batchSize) % batch.n) {
    const result = optimizerStep(state, sliceRows(batch, start, start + batchSize), config);
    if (!result.ok) throw new Error(result.message);
    state = result.state;
  }
  return state.theta;
}

function trainInPlace(batchSize: number, samples: number): Float64Array {
  const state = initialState(config, THETA_LENGTH);
  for (let start = 0, done = 0; done < samples; done += batchSize, start = (start + batchSize) % batch.n) {
    const result = optimizerStepInPlace(state, sliceRows(batch, start, start + batchSize), config);
    if (!result.ok) throw new Error(result.message);
  }
  return state.theta;
}

function naiveStep(theta: number[], x: number[][], y: number[], alpha: number): number[] {
  const n = x.length;
  const h: number[] = [];
  for (const row of x) {
    let z = 0;
    for (let j = 0; j < theta.length; j++) z += row[j]! * theta[j]!;
    h.push(1 / (1 + Math.exp(-z)));
  }
  const grad: number[] = new Array<number>(theta.length).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < theta.length; j++) grad[j]! += (h[i]! - y[i]!) * x[i]![j]!;
  }
  return theta.map((t, j) => t - (alpha * grad[j]!) / n);
}

function trainNaive(batchSize: number, samples: number): number[] {
  let theta: number[] = new Array<number>(naiveX[0]!.length).fill(0);
  for (let start = 0, done = 0; done < samples; done += batchSize, start = (start + batchSize) % naiveX.length) {
    theta = naiveStep(theta, naiveX.slice(start, start + batchSize), naiveY.slice(start, start + batchSize), config.alpha);
  }
  return theta;
}

/** Median samples/s over a few timed runs, after a warm-up so the JIT has compiled the loop. */
function samplesPerSecond(train: Trainer, batchSize: number): number {
  train(batchSize, WARM_UP_SAMPLES);
  const rates: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const started = performance.now();
    train(batchSize, SAMPLES);
    rates.push(SAMPLES / ((performance.now() - started) / 1000));
  }
  return rates.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j]! - b[j]!));
  return worst;
}

const format = (rate: number) => `${(rate / 1e6).toFixed(2)} M/s`;
const header = ['batch', 'optimizerStep', 'in place', 'naive number[][]', 'ours/naive', 'in place/naive', 'max |Δθ|'];
const table: string[][] = [];
for (const size of BATCH_SIZES) {
  // Same samples, same formulas: the two must agree to rounding before their speeds mean anything.
  const agreement = maxDifference(trainPure(size, 20_000), trainNaive(size, 20_000));
  const ours = samplesPerSecond(trainPure, size);
  const inPlace = samplesPerSecond(trainInPlace, size);
  const naive = samplesPerSecond(trainNaive, size);
  table.push([String(size), format(ours), format(inPlace), format(naive), `${(ours / naive).toFixed(2)}×`, `${(inPlace / naive).toFixed(2)}×`, agreement.toExponential(1)]);
}

const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
console.log(`SGD mini-batch training, ${SAMPLES.toLocaleString('en')} samples per run, median of ${REPEATS} (Node ${process.version})`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
