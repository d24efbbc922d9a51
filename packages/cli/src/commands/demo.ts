import { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { consumerGroups, DEFAULT_PORTS } from '@sonar/contracts';
import { loadSonar } from '@sonar/dataset';
import { createKafka } from '@sonar/kafka';
import { eventually, kafkaConnection, redactUrl, redisConnection } from '@sonar/runtime';
import { CheckpointStore, openRedis } from '@sonar/store';
import { httpAnswers, LocalStack, type ComponentName, type ServiceProcess } from '@sonar/stack';
import { holdoutRows, httpSink, plannedCount, produce, replayPlan, sonarSourceRows } from '@sonar/ingest';
import { commandEnv, commandLogger } from '../env.ts';
import { fraction, integer, number } from '../parse.ts';
import { demoNamespace } from '../demo/namespace.ts';
import { DEMO_TRAINING, startDemoServices, type DemoPorts } from '../demo/services.ts';
import { snapshot, type PipelineSnapshot } from '../demo/snapshot.ts';
import { sendMalformed } from '../demo/malformed.ts';
import { countRecords, deadLetters, holdoutComparison, renderSummary, type DemoSummary } from '../demo/summary.ts';
import { resetNamespace } from '../demo/reset.ts';
import { formatPercent } from '../watch/format.ts';

interface DemoFlags {
  epochs: number;
  rate: number;
  seed: number;
  holdout: number;
  namespace: string;
  keepStack: boolean;
  linger: boolean;
  json: boolean;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('the whole pipeline end to end on the data set: stack, services, a live stream, and a summary')
    .option('--epochs <n>', 'shuffled replays of the data set', integer(1), 100)
    .option('--rate <r>', 'readings per second through ingest; 0 = as fast as possible', number(0), 2000)
    .option('--seed <s>', 'seed of the holdout split and of the shuffles', integer(0), 42)
    .option('--holdout <f>', 'stratified fraction of rows held out of training', fraction(), 0.2)
    .option('--namespace <name>', 'model name and topic prefix of the demo (reset at start)', 'demo')
    .option('--keep-stack', 'leave Kafka, Redis and Prometheus running afterwards', false)
    .option('--linger', 'after the summary, keep the services running (for Prometheus, Grafana, sonar watch) until Ctrl-C', false)
    .option('--json', 'print the summary as JSON on stdout (progress stays on stderr)', false)
    .action(async (flags: DemoFlags) => runDemo(flags));
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const started = Date.now();
  const say = (message: string) => process.stderr.write(`${message}\n`);
  const env = commandEnv();
  const ns = demoNamespace(flags.namespace);
  const ports: DemoPorts = {
    ingest: Number(process.env.INGEST_PORT ?? DEFAULT_PORTS.ingest),
    trainer: Number(process.env.TRAINER_PORT ?? DEFAULT_PORTS.trainer),
    scorer: Number(process.env.SCORER_PORT ?? DEFAULT_PORTS.scorer),
  };
  const stack = new LocalStack();
  let startedStack: ComponentName[] = [];
  let services: ServiceProcess[] = [];
  const abort = new AbortController();
  const interrupt = () => {
    say('\ninterrupted: shutting down what the demo started');
    abort.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let redis: Redis | undefined;
  const kafka = createKafka(kafkaConnection(env), 'sonar-demo', commandLogger('demo', env));
  const admin = kafka.admin();
  try {
    say('sonar demo: starting the local stack (first start fetches Apache Kafka with Maven)');
    ({ started: startedStack } = await stack.upTracked((m) => say(`  ${m}`)));
    redis = await openRedis(redisConnection(env), 'sonar-demo');
    await admin.connect();
    const store = new CheckpointStore(redis, ns.model, env.REDIS_PREFIX);
    say(`resetting the demo namespace: model "${ns.model}", topics ${ns.model}.*`);
    await resetNamespace(admin, store, ns, [consumerGroups.trainer(ns.model), consumerGroups.scorer(ns.model)]);

    say(`starting ingest (:${ports.ingest}), trainer (:${ports.trainer}) and scorer (:${ports.scorer}); logs in .sonar/demo/`);
    services = await startDemoServices(env, ns, ports);
    await waitReady(`http://127.0.0.1:${ports.ingest}/readyz`, services, abort.signal);
    await waitReady(`http://127.0.0.1:${ports.trainer}/readyz`, services, abort.signal);

    const rows = loadSonar();
    const sourceRows = sonarSourceRows(rows);
    const plan = { epochs: flags.epochs, shuffle: true, seed: flags.seed, holdout: flags.holdout, idPrefix: 'r' };
    const total = plannedCount(sourceRows, plan);
    const malformed = await sendMalformed(kafka, ns.topics.readings);
    say(`streaming ${total.toLocaleString('en-US')} readings (${flags.epochs} shuffled epochs, ${flags.holdout * 100}% held out, seed ${flags.seed}) through ingest at ${flags.rate || 'full'} readings/s, plus ${malformed} malformed records straight to Kafka`);

    const streamStarted = Date.now();
    const progress = setInterval(() => void snapshot(ports).then((s) => say(progressLine(Date.now() - streamStarted, total, s))), 1000);
    let sent = 0;
    try {
      const result = await produce(replayPlan(sourceRows, plan), total, httpSink(`http://127.0.0.1:${ports.ingest}`, process.env.INGEST_TOKEN), {
        rate: flags.rate,
        signal: abort.signal,
      });
      sent = result.acked;
    } finally {
      clearInterval(progress);
    }
    if (abort.signal.aborted) return;
    const ingestSeconds = (Date.now() - streamStarted) / 1000;

    say('waiting for the trainer and the scorer to catch up');
    const held = holdoutRows(sourceRows, flags.holdout, flags.seed);
    const batch = Number(DEMO_TRAINING.TRAIN_BATCH_SIZE);
    // Every full mini-batch of the labeled, non-holdout readings; a last partial one waits for more.
    const expectedTraining = Math.floor(((rows.length - held.size) * flags.epochs) / batch) * batch;
    const caughtUp = await catchUp(ports, store, sent, expectedTraining, streamStarted, abort.signal);
    if (abort.signal.aborted) return;
    const checkpoint = (await store.load())!;
    const summary: DemoSummary = {
      readings: { sent, classified: await countRecords(admin, ns.topics.classified), malformed },
      model: { name: ns.model, version: checkpoint.version, samples: checkpoint.samples, cost: checkpoint.cost, hyperparameters: checkpoint.hyperparameters },
      holdout: { ...holdoutComparison(rows, held, checkpoint), streamAccuracy: caughtUp.last.holdoutAccuracy },
      readingsPerSecond: {
        ingest: sent / ingestSeconds,
        trainer: (caughtUp.last.consumedByTrainer ?? 0) / caughtUp.trainerSeconds,
        scorer: (caughtUp.last.scored ?? 0) / caughtUp.scorerSeconds,
      },
      deadLetters: await deadLetters(kafka, admin, ns.topics.deadLetters),
      seconds: (Date.now() - started) / 1000,
    };
    const prometheus = (await stack.prometheus.status()).state;
    const where = [
      prometheus === 'running' || prometheus === 'external'
        ? `Prometheus  ${stack.prometheus.url}/graph?g0.expr=sonar_trainer_cost (scrapes :9100-9102 while services run)`
        : 'Prometheus  not installed here (apt-get install prometheus); `sonar stack up` starts it when it is',
      'Grafana     docker compose up (GRAFANA_ADMIN_PASSWORD=... first), then http://localhost:3000',
      'live view   pnpm sonar watch        (with --linger, while the services run)',
      `events      SONAR_MODEL=${ns.model} TOPIC_CLASSIFIED=${ns.topics.classified} pnpm sonar tail`,
      `model       SONAR_MODEL=${ns.model} pnpm sonar model show`,
      `Redis       ${redactUrl(env.REDIS_URL)}  key ${store.keys.model}`,
    ];
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else process.stdout.write(`${renderSummary(summary, where)}\n`);
    if (flags.linger) {
      say('services keep running: Ctrl-C to stop them');
      await new Promise((resolve) => abort.signal.addEventListener('abort', resolve, { once: true }));
    }
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await admin.disconnect().catch(() => undefined);
    redis?.disconnect();
    if (!flags.keepStack) await stack.downOnly(startedStack, (m) => say(`  ${m}`));
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    if (abort.signal.aborted) process.exitCode = 130;
  }
}

function progressLine(elapsedMs: number, total: number, s: PipelineSnapshot): string {
  const n = (x: number | undefined) => (x === undefined ? 'n/a' : Math.round(x).toLocaleString('en-US'));
  const seconds = elapsedMs / 1000;
  return (
    `  [${seconds.toFixed(0).padStart(3)} s] ingested ${n(s.ingested)}/${n(total)} (${n((s.ingested ?? 0) / seconds)}/s)` +
    ` | trainer v${n(s.trainerVersion)} cost ${s.cost === undefined ? 'n/a' : s.cost.toFixed(3)} progressive acc ${formatPercent(s.progressiveAccuracy)}` +
    ` | scorer v${n(s.scorerVersion)} ${n(s.scored)} scored, holdout acc ${formatPercent(s.holdoutAccuracy)} | dead letters ${s.deadLetters}`
  );
}

async function waitReady(url: string, services: ServiceProcess[], signal: AbortSignal): Promise<void> {
  await eventually(async () => signal.aborted || (await httpAnswers(url)), 60_000, url, {
    intervalMs: 100,
    abort: () => {
      const exited = services.find((s) => s.child.exitCode !== null);
      return exited && `${exited.name} exited with code ${exited.child.exitCode}; see ${exited.logFile}`;
    },
  });
}

/** Waits until the scorer classified every reading and the trainer checkpointed every full mini-batch. */
async function catchUp(ports: DemoPorts, store: CheckpointStore, sent: number, training: number, since: number, signal: AbortSignal) {
  let trainerAt: number | undefined;
  let scorerAt: number | undefined;
  let last: PipelineSnapshot = { deadLetters: 0 };
  const deadline = Date.now() + 120_000;
  while (!signal.aborted && Date.now() < deadline && (trainerAt === undefined || scorerAt === undefined)) {
    last = await snapshot(ports);
    if (scorerAt === undefined && (last.scored ?? 0) >= sent) scorerAt = Date.now();
    if (trainerAt === undefined && ((await store.load())?.samples ?? 0) >= training) trainerAt = Date.now();
    await sleep(250);
  }
  if (!signal.aborted && (trainerAt === undefined || scorerAt === undefined)) {
    throw new Error(`the pipeline did not catch up within 2 minutes (scored ${last.scored ?? 0} of ${sent}); see .sonar/demo/*.log`);
  }
  return { last, trainerSeconds: ((trainerAt ?? Date.now()) - since) / 1000, scorerSeconds: ((scorerAt ?? Date.now()) - since) / 1000 };
}
