import { spawn } from 'node:child_process';
import { METRICS } from '@sonar/contracts';
import { eventually } from '@sonar/runtime';
import { which } from '@sonar/stack';
import { fullBatches, type RunScope } from '@sonar/testkit';
import { runBaseline } from './baseline-script.ts';
import { firstToLast, medianRound, total, watchCounter, type FirstToLast, type RssTrace, type Throughput } from './measure.ts';

const BATCH = 32;

export interface TrainerRound {
  trainer: Throughput;
  trainerRss: RssTrace;
  /** kafkajs as shipped: the baseline of the goals. */
  noop: Throughput;
  /** The same no-op consumer decoding records as the services do, by the lean record decoder (absent in results from before it). */
  noopLean?: Throughput;
}

/** The median round (by trainer / no-op), and every round's rates (absent in results from before rounds). */
export interface TrainerFigures extends TrainerRound {
  rounds?: { trainer: number; noop: number; noopLean: number }[];
}

/** Settings a service runs with beyond the run's own (the HA stack's: Sentinels, replicas to wait for). */
type ServiceEnv = Record<string, string>;

/**
 * Trainer readings/s on a pre-filled topic, beside a no-op kafkajs consumer on the
 * same topic, in `rounds` rounds that alternate them (each trainer round a fresh model
 * and group reading the whole topic): the round with the median ratio is the figure.
 * `name` keeps the runs on different topics apart (model, groups, topics).
 */
export async function trainerThroughput(run: RunScope, name: string, topic: string, count: number, serviceEnv: ServiceEnv = {}, rounds = 1): Promise<TrainerFigures> {
  const measured: TrainerRound[] = [];
  for (let round = 0; round < rounds; round++) measured.push(await trainerRound(run, rounds === 1 ? name : `${name}-${round + 1}`, topic, count, serviceEnv));
  const median = medianRound(measured, (r) => r.trainer.perSecond / r.noop.perSecond);
  const perSecond = (t: Throughput | undefined) => t?.perSecond ?? Number.NaN;
  return { ...median, rounds: measured.map((r) => ({ trainer: r.trainer.perSecond, noop: r.noop.perSecond, noopLean: perSecond(r.noopLean) })) };
}

async function trainerRound(run: RunScope, name: string, topic: string, count: number, serviceEnv: ServiceEnv): Promise<TrainerRound> {
  const topics = { ...run.topicsFor(`trainer-${name}`), readings: topic };
  const settings = { ...serviceEnv, TRAIN_BATCH_SIZE: BATCH, TRAIN_CHECKPOINT_INTERVAL_MS: 2000 };
  const { proc: service, port } = await run.serviceOnFreePort('trainer', settings, `trainer-${name}`, { model: `${run.model}-trainer-${name}`, topics });
  // Readings of a last partial mini-batch wait in the buffer: they are not counted yet.
  const trained = await watchCounter(port, (s) => total(s, METRICS.trainerReadings), fullBatches(count, BATCH));
  // Idle, it would still take a share of the two cores from what is measured next.
  await service.stop();
  const noop = (lean: boolean) =>
    runBaseline<FirstToLast>('./noop-consumer.ts', {
      BENCH_BROKERS: run.brokers.join(','),
      BENCH_TOPIC: topic,
      BENCH_GROUP: `${run.id}-noop-${name}${lean ? '-lean' : ''}`,
      BENCH_COUNT: String(count),
      BENCH_LEAN_RECORDS: lean ? '1' : '0',
    });
  const shipped = await noop(false);
  const lean = await noop(true);
  return { trainer: trained.throughput, trainerRss: trained.rss, noop: firstToLast(shipped), noopLean: firstToLast(lean) };
}

/** kcat -C from the beginning to the end of the topic, output thrown away; the whole command timed. Undefined without kcat. */
export async function kcatThroughput(run: RunScope, topic: string, count: number): Promise<Throughput | undefined> {
  if (!which('kcat')) return undefined;
  const started = performance.now();
  const lines = await new Promise<number>((resolve, reject) => {
    const child = spawn('kcat', ['-C', '-b', run.brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let n = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) n += 1;
    });
    child.once('exit', (code) => (code === 0 ? resolve(n) : reject(new Error(`kcat exited with ${code}`))));
  });
  const seconds = (performance.now() - started) / 1000;
  if (lines < count) throw new Error(`kcat read ${lines} of ${count} records`);
  return { count: lines, seconds, perSecond: lines / seconds };
}

export interface ScorerFigures {
  scorer: Throughput;
  scorerRss: RssTrace;
  relay: Throughput;
}

/** Scorer readings/s (events acknowledged) on a pre-filled topic, beside a no-op consume→produce relay; `name` as for the trainer. */
export async function scorerThroughput(
  run: RunScope,
  name: string,
  topic: string,
  count: number,
  publishModel: (model: string) => Promise<void>,
  serviceEnv: ServiceEnv = {},
): Promise<ScorerFigures> {
  const topics = { ...run.topicsFor(`scorer-${name}`), readings: topic };
  const model = `${run.model}-scorer-${name}`;
  await publishModel(model);
  const { proc: service, port } = await run.serviceOnFreePort('scorer', serviceEnv, `scorer-${name}`, { model, topics });
  const scored = await watchCounter(port, (s) => total(s, METRICS.scorerReadings), count);
  await service.stop();

  const output = await run.createTopic(run.topicsFor(`relay-${name}`).classified, 3);
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const relayDone = runBaseline<{ relayed: number }>(
    './relay.ts',
    { BENCH_BROKERS: run.brokers.join(','), BENCH_TOPIC: topic, BENCH_OUTPUT: output, BENCH_GROUP: `${run.id}-relay-${name}` },
    stopped,
  );
  const relay = await watchOffsets(run, output, count);
  stop();
  await relayDone;
  return { scorer: scored.throughput, scorerRss: scored.rss, relay };
}

/** Rate at which a topic's end offsets grow, from the first growth seen until they reach `target`. */
async function watchOffsets(run: RunScope, topic: string, target: number): Promise<Throughput> {
  let started: { at: number; count: number } | undefined;
  return eventually(async () => {
    const count = (await run.admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
    const now = performance.now();
    if (!started && count > 0) started = { at: now, count };
    if (!started || count < target) return undefined;
    const seconds = (now - started.at) / 1000;
    return { count, seconds, perSecond: (count - started.count) / seconds };
  }, 600_000, `${target} records relayed`);
}
