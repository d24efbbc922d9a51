import { THETA_LENGTH } from '@sonar/contracts';
import { Command } from 'commander';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fit, initialState } from '@sonar/model';
import { loadSonar } from '@sonar/dataset';
import { CheckpointStore } from '@sonar/store';
import { kafkaVersion, LocalStack } from '@sonar/stack';
import { BenchRun } from '../bench/harness.ts';
import { trainerThroughput, scorerThroughput } from '../bench/consume-rate.ts';
import { latencies } from '../bench/latency.ts';
import { prefill, producerPerfTest } from '../bench/produce-rate.ts';
import { renderReport, type BenchResults } from '../bench/report.ts';
import { commandEnv } from '../env.ts';

const MODES = {
  quick: { readings: 50_000, latencySeconds: 12, versions: 5 },
  full: { readings: 1_000_000, latencySeconds: 60, versions: 20 },
};

export function benchCommand(): Command {
  return new Command('bench')
    .description('benchmarks with their baselines measured side by side in the same run: produce, trainer, scorer, latency, propagation, memory')
    .option('--quick', `a short run (${MODES.quick.readings.toLocaleString('en-US')} readings, under two minutes) that keeps the harness working`, false)
    .option('--out <file>', 'where to write the results as JSON (default: .sonar/bench/<run>/results.json)')
    .action(async (flags: { quick: boolean; out?: string }) => {
      const mode = flags.quick ? 'quick' : 'full';
      const settings = MODES[mode];
      const say = (message: string) => process.stderr.write(`bench: ${message}\n`);
      const env = commandEnv();
      const stack = new LocalStack();
      const { started } = await stack.upTracked(say, { prometheus: false });
      const run = new BenchRun(env.KAFKA_BROKERS, env.REDIS_URL);
      await run.connect();
      const theta = fit(loadSonar(), { alpha: 0.1, iterations: 300, l2: 0, optimizer: 'sgd', testSize: 0.2, seed: 42 }).theta;
      const publishModel = (model: string, version = 1) => writeModel(run, model, version, theta);
      try {
        const readings = settings.readings;
        const topic = run.topics('prefilled').readings;
        say(`pre-filling ${readings.toLocaleString('en-US')} synthetic readings (the produce figure)`);
        const ours = await prefill(run, topic, readings);
        say(`kafka-producer-perf-test, ${readings.toLocaleString('en-US')} records of ${ours.messageBytes} B`);
        const producerPerf = await producerPerfTest(run, run.topics('perf').readings, readings, ours.messageBytes);
        say('trainer, then a no-op kafkajs consumer and kcat, on the pre-filled topic');
        const trainer = await trainerThroughput(run, topic, readings);
        say('scorer, then a kafkajs consume→produce relay, on the pre-filled topic');
        const scorer = await scorerThroughput(run, topic, readings, (model) => publishModel(model).then(() => undefined));
        say(`end-to-end latency at 1000 readings/s for ${settings.latencySeconds} s each, with ${settings.versions} model updates`);
        const latency = await latencies(run, 1000, settings.latencySeconds, settings.versions, publishModel);
        const results: BenchResults = {
          date: new Date().toISOString(),
          mode,
          machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kafka: kafkaVersion() },
          readings,
          produce: { ours, producerPerfTest: producerPerf, messageBytes: ours.messageBytes },
          trainer,
          scorer,
          latency: { ...latency, rate: 1000, seconds: settings.latencySeconds },
        };
        const out = flags.out ?? join(run.logDir, 'results.json');
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
        process.stdout.write(`${renderReport(results)}\n\nresults: ${out}\n`);
      } finally {
        await run.cleanup();
        await stack.downOnly(started, say);
      }
    });
}

/** A checkpoint written as a trainer would, so a scorer has a model to serve; returns its time. */
async function writeModel(run: BenchRun, model: string, version: number, theta: Float64Array): Promise<number> {
  const store = new CheckpointStore(run.redis, model, run.redisPrefix);
  const state = initialState({ optimizer: 'sgd', alpha: 0.1 }, THETA_LENGTH);
  state.theta.set(theta);
  // A slightly different theta per version, as a training run would produce.
  state.theta[0] = theta[0]! + version * 1e-6;
  const updatedAt = Date.now();
  const epoch = version === 1 ? await store.takeEpoch() : ((await store.currentEpoch()) ?? 0);
  const result = await store.commit(
    { model, version, state, cost: 0.5, accuracy: Number.NaN, samples: 0, batches: 0, topic: '', offsets: {}, updatedAt, hyperparameters: { source: 'bench' } },
    epoch,
  );
  if (!result.accepted) throw new Error(`bench model ${model} v${version} rejected: ${result.reason}`);
  await store.publish(version);
  return updatedAt;
}
