import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kafkaVersion, LocalStack, sonarHome } from '@sonar/stack';
import { fittedTheta, RunScope, writeModel } from '@sonar/testkit';
import { kcatThroughput, trainerThroughput, scorerThroughput } from './consume-rate.ts';
import { pythonSgdThroughput } from './python-sgd.ts';
import { parallelThroughput } from './parallel-rate.ts';
import { latencies } from './latency.ts';
import { prefill, producerPerfTest } from './produce-rate.ts';
import { renderReport, type BenchResults } from './report.ts';

export type BenchMode = 'quick' | 'full';

export interface BenchSettings {
  readings: number;
  /** Rounds of trainer beside no-op consumer per topic: the median round is the figure. */
  trainerRounds: number;
  latencySeconds: number;
  versions: number;
  gradients: number;
  parallelReadings: number;
}

export const BENCH_MODES: Record<BenchMode, BenchSettings> = {
  quick: { readings: 50_000, trainerRounds: 1, latencySeconds: 12, versions: 5, gradients: 20_000, parallelReadings: 20_000 },
  full: { readings: 1_000_000, trainerRounds: 3, latencySeconds: 60, versions: 20, gradients: 200_000, parallelReadings: 60_000 },
};

export interface BenchOptions {
  mode: BenchMode;
  brokers: string[];
  redisUrl: string;
  /** Where to write the results as JSON (default: the run's folder). */
  out?: string;
  say: (message: string) => void;
}

/** Every benchmark beside its baseline, in one run on one machine; prints the report and returns the results. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const { say } = options;
  const settings = BENCH_MODES[options.mode];
  const stack = new LocalStack();
  const { started } = await stack.upTracked(say, { prometheus: false });
  const run = await RunScope.open('bench', { brokers: options.brokers, redisUrl: options.redisUrl, logDir: join(sonarHome(), 'bench', `${Date.now().toString(36)}`) });
  const theta = fittedTheta();
  /** A checkpoint as a trainer would write it, so a scorer has a model to serve; returns its time. */
  const publishModel = async (model: string, version = 1) => {
    // A slightly different theta per version, as a training run would produce.
    const perturbed = theta.slice();
    perturbed[0] = theta[0]! + version * 1e-6;
    return (await writeModel(run, { model, version, theta: perturbed, samples: 0 })).updatedAt;
  };
  try {
    const readings = settings.readings;
    const jsonTopic = run.topicsFor('prefilled').readings;
    say(`pre-filling ${readings.toLocaleString('en-US')} synthetic readings (the produce figure)`);
    const ours = await prefill(run, jsonTopic, readings);
    say(`kafka-producer-perf-test, ${readings.toLocaleString('en-US')} records of ${ours.messageBytes} B`);
    const producerPerf = await producerPerfTest(run, run.topicsFor('perf').readings, readings, ours.messageBytes);
    const avroTopic = run.topicsFor('prefilled-avro').readings;
    say('pre-filling the same readings as Avro single-object records');
    const avroProduce = await prefill(run, avroTopic, readings, 'avro');
    const rounds = settings.trainerRounds > 1 ? `, ${settings.trainerRounds} rounds` : '';
    say(`trainer, then a no-op kafkajs consumer${rounds}; kcat and the Python baseline, on the JSON topic`);
    const trainer = {
      ...(await trainerThroughput(run, 'json', jsonTopic, readings, {}, settings.trainerRounds)),
      kcat: await kcatThroughput(run, jsonTopic, readings),
      python: await pythonSgdThroughput(run, jsonTopic, readings, say),
    };
    say(`trainer, then a no-op kafkajs consumer${rounds}, on the Avro topic`);
    const avroTrainer = await trainerThroughput(run, 'avro', avroTopic, readings, {}, settings.trainerRounds);
    const parallelTopic = run.topicsFor('prefilled-parallel').readings;
    say(`pre-filling ${settings.parallelReadings.toLocaleString('en-US')} readings for parallel mode`);
    await prefill(run, parallelTopic, settings.parallelReadings);
    const parallel = await parallelThroughput(run, parallelTopic, settings.parallelReadings, settings.gradients, say);
    const servedModel = (model: string) => publishModel(model).then(() => undefined);
    say('scorer, then a kafkajs consume→produce relay, on the JSON topic');
    const scorer = await scorerThroughput(run, 'json', jsonTopic, readings, servedModel);
    say('scorer, then a kafkajs consume→produce relay, on the Avro topic');
    const avroScorer = await scorerThroughput(run, 'avro', avroTopic, readings, servedModel);
    say(`end-to-end latency at 1000 readings/s for ${settings.latencySeconds} s each, with ${settings.versions} model updates`);
    const latency = await latencies(run, 1000, settings.latencySeconds, settings.versions, publishModel);
    const results: BenchResults = {
      date: new Date().toISOString(),
      mode: options.mode,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kafka: kafkaVersion() },
      readings,
      produce: { ours, producerPerfTest: producerPerf, messageBytes: ours.messageBytes },
      trainer,
      scorer,
      avro: { produce: avroProduce, trainer: avroTrainer, scorer: avroScorer },
      latency: { ...latency, rate: 1000, seconds: settings.latencySeconds },
      parallel,
    };
    const out = options.out ?? join(run.logDir, 'results.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${renderReport(results)}\n\nresults: ${out}\n`);
    return results;
  } finally {
    await run.cleanup();
    await stack.downOnly(started, say);
  }
}
