import { Command } from 'commander';
import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { consumerGroups, DEFAULT_PORTS } from '@sonar/contracts';
import { loadSonar } from '@sonar/dataset';
import { createKafka, ensureTopics, unsettledGroup } from '@sonar/kafka';
import { eventually, kafkaConnection, redactUrl, redisConnection } from '@sonar/runtime';
import { CheckpointStore, openRedis, type RedisClient } from '@sonar/store';
import { httpAnswers, LocalStack, type ComponentName, type ServiceProcess } from '@sonar/stack';
import { holdoutRows, httpSink, plannedCount, produce, replayPlan, sonarSourceRows } from '@sonar/ingest';
import { commandEnv, commandLogger } from '../env.ts';
import { fraction, integer, number } from '../parse.ts';
import { challengerNamespace, demoNamespace } from '../demo/namespace.ts';
import { servicePort, workerPorts } from '../ports.ts';
import { DEMO_TRAINING, startDemoServices, type DemoPorts } from '../demo/services.ts';
import { snapshot, type PipelineSnapshot } from '../demo/snapshot.ts';
import { sendMalformed } from '../demo/malformed.ts';
import { countRecords, deadLetters, heldOutAccuracy, holdoutComparison, renderSummary, type DemoSummary } from '../demo/summary.ts';
import { shadowComparison } from '../demo/shadow-summary.ts';
import { resetNamespace } from '../demo/reset.ts';
import { formatFixed, formatPercent } from '../watch/format.ts';

interface DemoFlags {
  epochs: number;
  rate: number;
  seed: number;
  holdout: number;
  namespace: string;
  keepStack: boolean;
  linger: boolean;
  json: boolean;
  parallel: boolean;
  workers?: number;
  shadow: boolean;
}

/** Parallel mode's readings topic: partitions enough for several workers each. */
const PARALLEL_PARTITIONS = 6;
const DEFAULT_WORKERS = 3;

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
    .option('--parallel', `parallel mode: an applier and gradient workers instead of the single trainer, the readings topic with ${PARALLEL_PARTITIONS} partitions`, false)
    .option('--workers <n>', `with --parallel: gradient workers (default ${DEFAULT_WORKERS}), on the ports of TRAINER_WORKER_PORTS (default 9103,9104,9105)`, integer(1))
    .option('--shadow', `shadow scoring: the serving trainer on sgd, a challenger on adam beside it (model "<namespace>-challenger", on TRAINER_SHADOW_PORT, default ${DEFAULT_PORTS.trainerShadow}), scored by the scorer as its shadow`, false)
    .action(async (flags: DemoFlags) => runDemo(flags));
}

/** The gradient workers' ports: none in exact mode. */
function demoWorkerPorts(flags: DemoFlags): number[] {
  if (!flags.parallel) {
    if (flags.workers !== undefined) throw new Error('--workers is for parallel mode: add --parallel');
    return [];
  }
  const count = flags.workers ?? DEFAULT_WORKERS;
  const ports = workerPorts();
  if (ports.length < count) {
    throw new Error(`--workers ${count} needs ${count} ports, and TRAINER_WORKER_PORTS gives ${ports.length} (${ports.join(',')}): list more`);
  }
  return ports.slice(0, count);
}

async function runDemo(flags: DemoFlags): Promise<void> {
  // The catch-up and the summary follow one serving trainer; an applier's model would need its own.
  if (flags.shadow && flags.parallel) throw new Error('--shadow runs in exact mode: drop --parallel (or --shadow)');
  const started = Date.now();
  const say = (message: string) => process.stderr.write(`${message}\n`);
  const env = commandEnv();
  const ns = demoNamespace(flags.namespace);
  const ports: DemoPorts = {
    ingest: servicePort('INGEST_PORT', DEFAULT_PORTS.ingest),
    trainer: servicePort('TRAINER_PORT', DEFAULT_PORTS.trainer),
    scorer: servicePort('SCORER_PORT', DEFAULT_PORTS.scorer),
    workers: demoWorkerPorts(flags),
    challenger: flags.shadow ? servicePort('TRAINER_SHADOW_PORT', DEFAULT_PORTS.trainerShadow) : undefined,
  };
  const challenger = flags.shadow ? challengerNamespace(ns) : undefined;
  const parallel = ports.workers.length > 0;
  const partitions = parallel ? Math.max(PARALLEL_PARTITIONS, ports.workers.length) : env.TOPIC_PARTITIONS;
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
  let redis: RedisClient | undefined;
  const kafka = createKafka(kafkaConnection(env), 'sonar-demo', commandLogger('demo', env));
  const admin = kafka.admin();
  try {
    say('sonar demo: starting the local stack (first start fetches Apache Kafka with Maven)');
    ({ started: startedStack } = await stack.upTracked((m) => say(`  ${m}`)));
    redis = await openRedis(redisConnection(env), 'sonar-demo');
    await admin.connect();
    const store = new CheckpointStore(redis, ns.model, env.REDIS_PREFIX);
    const challengerStore = challenger && new CheckpointStore(redis, challenger.model, env.REDIS_PREFIX);
    say(`resetting the demo namespace: model "${ns.model}", topics ${ns.model}.*${challenger ? `, and the challenger's: model "${challenger.model}", topics ${challenger.model}.*` : ''}`);
    const groupsOf = (model: string) => [consumerGroups.trainer, consumerGroups.scorer, consumerGroups.worker, consumerGroups.applier].map((group) => group(model));
    await resetNamespace(admin, store, ns, groupsOf(ns.model));
    if (challengerStore) await resetNamespace(admin, challengerStore, demoNamespace(challengerStore.model), groupsOf(challengerStore.model));
    // The services create the others; this one needs its partitions before they start.
    if (parallel) await ensureTopics(admin, [{ topic: ns.topics.readings, partitions, replication: env.TOPIC_REPLICATION }]);

    const workerList = ports.workers.map((port) => `:${port}`).join(', ');
    say(
      parallel
        ? `starting ingest (:${ports.ingest}), the applier (:${ports.trainer}), ${ports.workers.length} gradient workers (${workerList}) and scorer (:${ports.scorer}); logs in .sonar/demo/`
        : challenger
          ? `starting ingest (:${ports.ingest}), trainer (:${ports.trainer}, sgd), the challenger "${challenger.model}" (:${ports.challenger}, adam) and scorer (:${ports.scorer}, the challenger as its shadow); logs in .sonar/demo/`
          : `starting ingest (:${ports.ingest}), trainer (:${ports.trainer}) and scorer (:${ports.scorer}); logs in .sonar/demo/`,
    );
    services = await startDemoServices(env, ns, ports, challenger);
    for (const port of [ports.ingest, ports.trainer, ...ports.workers, ...(ports.challenger === undefined ? [] : [ports.challenger])]) {
      await waitReady(`http://127.0.0.1:${port}/readyz`, services, abort.signal);
    }
    // All workers in the group before the first reading: the partitions are shared from the start, no rebalance mid-stream.
    if (parallel) await waitForWorkers(admin, consumerGroups.worker(ns.model), ports.workers.length, services, abort.signal);

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

    say(`waiting for the ${parallel ? 'workers, the applier' : challenger ? 'trainer, the challenger' : 'trainer'} and the scorer to catch up`);
    const held = holdoutRows(sourceRows, flags.holdout, flags.seed);
    const batch = Number(DEMO_TRAINING.TRAIN_BATCH_SIZE);
    const trainable = (rows.length - held.size) * flags.epochs;
    // Every full mini-batch of the labeled, non-holdout readings; a last partial one waits for more.
    // The workers send theirs after a while (DEMO_WORKER_MAX_WAIT_MS): every reading.
    const expectedTraining = parallel ? trainable : Math.floor(trainable / batch) * batch;
    const caughtUp = await catchUp(ports, { serving: store, challenger: challengerStore }, sent, expectedTraining, streamStarted, abort.signal);
    if (abort.signal.aborted) return;
    const checkpoint = (await store.load())!;
    const challengerCheckpoint = await challengerStore?.load();
    const summary: DemoSummary = {
      mode: parallel ? 'parallel' : 'exact',
      readings: { sent, classified: await countRecords(admin, ns.topics.classified), malformed },
      model: { name: ns.model, version: checkpoint.version, samples: checkpoint.samples, cost: checkpoint.cost, hyperparameters: checkpoint.hyperparameters },
      holdout: { ...holdoutComparison(rows, held, checkpoint), streamAccuracy: caughtUp.last.holdoutAccuracy },
      readingsPerSecond: {
        ingest: sent / ingestSeconds,
        trainer: (caughtUp.last.consumedByTrainer ?? 0) / caughtUp.trainerSeconds,
        scorer: (caughtUp.last.scored ?? 0) / caughtUp.scorerSeconds,
      },
      deadLetters: await deadLetters(kafka, admin, ns.topics.deadLetters),
      workers: caughtUp.last.workers.map((w) => ({ id: w.id, port: w.port, readingsSent: w.sent ?? 0, gradientsApplied: w.applied ?? 0 })),
      partitions,
      ...(parallel && caughtUp.last.meanStaleness !== undefined ? { meanStaleness: caughtUp.last.meanStaleness } : {}),
      ...(challengerCheckpoint
        ? {
            shadow: shadowComparison(checkpoint, challengerCheckpoint, {
              scored: caughtUp.last.scored ?? 0,
              port: ports.scorer,
              shadow: caughtUp.last.shadow,
              heldOutAccuracy: heldOutAccuracy(rows, held, challengerCheckpoint),
            }),
          }
        : {}),
      seconds: (Date.now() - started) / 1000,
    };
    const prometheus = (await stack.prometheus.status()).state;
    const where = [
      prometheus === 'running' || prometheus === 'external'
        ? `Prometheus  ${stack.prometheus.url}/graph?g0.expr=sonar_trainer_cost (scrapes :9100-9102${parallel ? ' and the workers on :9103-9105' : ''}${challenger ? ` and the challenger on :${DEFAULT_PORTS.trainerShadow}` : ''} while services run)`
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
  const trainer = s.workers.length > 0 ? 'applier' : 'trainer';
  const n = (x: number | undefined) => (x === undefined ? 'n/a' : Math.round(x).toLocaleString('en-US'));
  const seconds = elapsedMs / 1000;
  return (
    `  [${seconds.toFixed(0).padStart(3)} s] ingested ${n(s.ingested)}/${n(total)} (${n((s.ingested ?? 0) / seconds)}/s)` +
    ` | ${trainer} v${n(s.trainerVersion)} cost ${formatFixed(s.cost, 3)} progressive acc ${formatPercent(s.progressiveAccuracy)}` +
    (s.challenger ? ` | challenger v${n(s.challenger.version)} cost ${formatFixed(s.challenger.cost, 3)} progressive acc ${formatPercent(s.challenger.progressiveAccuracy)}` : '') +
    ` | scorer v${n(s.scorerVersion)} ${n(s.scored)} scored, holdout acc ${formatPercent(s.holdoutAccuracy)}` +
    (s.shadow ? `, agreement ${formatPercent(s.shadow.agreement)}` : '') +
    ` | dead letters ${s.deadLetters}`
  );
}

async function waitReady(url: string, services: ServiceProcess[], signal: AbortSignal): Promise<void> {
  await eventually(async () => signal.aborted || (await httpAnswers(url)), 60_000, url, { intervalMs: 100, abort: () => exitedService(services) });
}

async function waitForWorkers(admin: Admin, group: string, count: number, services: ServiceProcess[], signal: AbortSignal): Promise<void> {
  const stable = async () => (await unsettledGroup(admin, group, count)) === undefined;
  await eventually(async () => signal.aborted || (await stable()), 60_000, `${count} gradient workers in a stable group ${group}`, {
    intervalMs: 200,
    abort: () => exitedService(services),
  });
}

/** Why waiting is pointless: a service that exited, and where its log is. */
function exitedService(services: ServiceProcess[]): string | undefined {
  const exited = services.find((s) => s.child.exitCode !== null);
  return exited && `${exited.name} exited with code ${exited.child.exitCode}; see ${exited.logFile}`;
}

/** Waits until the scorer classified every reading and the trainer (and a challenger) checkpointed every full mini-batch. */
async function catchUp(
  ports: DemoPorts,
  stores: { serving: CheckpointStore; challenger?: CheckpointStore | undefined },
  sent: number,
  training: number,
  since: number,
  signal: AbortSignal,
) {
  let trainerAt: number | undefined;
  let scorerAt: number | undefined;
  let challengerDone = stores.challenger === undefined;
  let last: PipelineSnapshot = { deadLetters: 0, workers: [] };
  const trained = async (store: CheckpointStore) => ((await store.load())?.samples ?? 0) >= training;
  const done = () => trainerAt !== undefined && scorerAt !== undefined && challengerDone;
  const deadline = Date.now() + 120_000;
  while (!signal.aborted && Date.now() < deadline && !done()) {
    last = await snapshot(ports);
    if (scorerAt === undefined && (last.scored ?? 0) >= sent) scorerAt = Date.now();
    if (trainerAt === undefined && (await trained(stores.serving))) trainerAt = Date.now();
    if (!challengerDone) challengerDone = await trained(stores.challenger!);
    await sleep(250);
  }
  if (!signal.aborted && !done()) {
    const challenger = challengerDone ? '' : ', the challenger short of its samples';
    throw new Error(`the pipeline did not catch up within 2 minutes (scored ${last.scored ?? 0} of ${sent}${challenger}); see .sonar/demo/*.log`);
  }
  return { last, trainerSeconds: ((trainerAt ?? Date.now()) - since) / 1000, scorerSeconds: ((scorerAt ?? Date.now()) - since) / 1000 };
}
