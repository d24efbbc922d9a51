import { readFileSync } from 'node:fs';
import type { KafkaMessage } from 'kafkajs';
import { replayPlan } from '@sonar/ingest';
import { testContext, type TestContext } from '../../support/context.ts';
import { postReadings } from '../support/ingest-client.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sleep, trainedAll } from './common.ts';
import { eventually, fittedTheta, freePort, fullBatches, metricValue, plannedTrainable, produceReadings, readTopic, sonarRows, writeModel, type ServiceProcess } from '@sonar/testkit';

const GRACE_MS = 5000;
/** What a process may take past its shutdown to exit (Node's own teardown), on a loaded machine. */
const EXIT_MARGIN_MS = 1500;

type Started = Awaited<ReturnType<Processes['start']>>;

interface Outcome {
  service: string;
  state: string;
  code: number | null;
  ms: number;
}

/** SIGTERM, and how the process ended and how long after. */
async function terminate(proc: ServiceProcess): Promise<{ code: number | null; ms: number }> {
  const at = Date.now();
  proc.signal('SIGTERM');
  const code = await proc.exited;
  return { code, ms: Date.now() - at };
}

const logSays = (proc: ServiceProcess, pattern: RegExp) => pattern.test(readFileSync(proc.logFile, 'utf8'));
const ids = (events: KafkaMessage[]) => events.map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id);

/**
 * SIGTERM to each service in each of its states: starting with no broker to talk to,
 * before it has joined its consumer group (a member that holds it, paused), the scorer
 * before its first model, and mid-batch (ingest with requests in flight). Each must exit
 * 0 within SHUTDOWN_GRACE_MS (and a margin for the process to end); after the mid-batch
 * ones, restarted services lose nothing: every reading trained once, classified (once,
 * with transactions), every acknowledged reading in the topic.
 */
export async function sigtermStates(seed: number): Promise<FaultRow> {
  const outcomes: Outcome[] = [];
  const grace = { SHUTDOWN_GRACE_MS: GRACE_MS, LOG_LEVEL: 'info' };
  const record = async (service: string, state: string, proc: ServiceProcess) => outcomes.push({ service, state, ...(await terminate(proc)) });
  const contexts: TestContext[] = [];
  const processes = new Processes();
  const open = async (name: string) => {
    const ctx = await testContext(name);
    contexts.push(ctx);
    await ctx.createTopics(1);
    return ctx;
  };
  try {
    const [idle, held, stream] = await Promise.all([open('fault-sigterm-idle'), open('fault-sigterm-held'), open('fault-sigterm-stream')]);

    // Starting, with no broker answering: each is still connecting when the signal comes.
    const nowhere = { ...grace, KAFKA_BROKERS: `127.0.0.1:${await freePort()}` };
    const starting = async (service: 'ingest' | 'trainer' | 'scorer') => {
      const { proc } = await processes.start(idle, service, nowhere, idle.model, `${service}-starting`);
      await eventually(() => logSays(proc, /Failed to connect to seed broker/), 30_000, `${service} trying to reach the broker`);
      await record(service, 'starting, no broker', proc);
    };

    // The scorer before its first model: no checkpoint exists.
    const noModel = async () => {
      const scorer = await processes.start(idle, 'scorer', grace, idle.model, 'scorer-no-model');
      await eventually(async () => /no model yet/.test(await (await fetch(`${scorer.url}/readyz`)).text()), 30_000, 'the scorer waiting for its first model');
      await record('scorer', 'before its first model', scorer.proc);
    };

    // Before joining its group: a member of the group is paused, so the group waits for it (its 30 s session) before anyone joins.
    const session = { TRAINER_SESSION_TIMEOUT_MS: 30_000, TRAINER_HEARTBEAT_MS: 3000, SCORER_SESSION_TIMEOUT_MS: 30_000, SCORER_HEARTBEAT_MS: 3000 };
    const heldMembers: Started[] = [];
    const beforeJoin = async (service: 'trainer' | 'scorer') => {
      const env = { ...grace, ...DETERMINISTIC, ...session };
      const member = await processes.start(held, service, env, held.model, `${service}-member`);
      heldMembers.push(member);
      const metric = service === 'trainer' ? 'sonar_trainer_readings_total' : 'sonar_scorer_readings_total';
      await eventually(async () => (await metricValue(member.port, metric)) > 0, 60_000, `the first ${service} to work`);
      member.proc.signal('SIGSTOP');
      // Readings the paused member has not seen: a second member in the group would get them.
      await produceReadings(held.kafka, held.topics.readings, { synthetic: 1000, seed, idPrefix: `${service}-` });
      const joining = await processes.start(held, service, env, held.model, `${service}-joining`);
      if (service === 'trainer') {
        await eventually(async () => /not joined/.test(await (await fetch(`${joining.url}/readyz`)).text()), 30_000, 'the second trainer waiting to join');
      } else {
        // Started and holding a model, with readings waiting, it classifies none: it is not in the group yet.
        await eventually(() => logSays(joining.proc, /scorer started/), 30_000, 'the second scorer started');
        await sleep(1000);
        check((await metricValue(joining.port, metric)) === 0, 'the second scorer classified nothing: not joined yet');
      }
      await record(service, 'before joining its group', joining.proc);
    };
    const heldPlan = { synthetic: 3000, holdout: 0.1, seed };
    await writeModel(held, { version: 1, theta: fittedTheta() });
    await produceReadings(held.kafka, held.topics.readings, heldPlan);
    await Promise.all([starting('ingest'), starting('trainer'), starting('scorer'), noModel(), beforeJoin('trainer'), beforeJoin('scorer')]);
    // The paused members go on: the group is theirs again, and they finish the stream.
    for (const member of heldMembers) member.proc.signal('SIGCONT');

    // Mid-batch: a stream through ingest to a trainer and two scorers, each signalled while it works, then started again.
    const plan = { synthetic: 20_000, holdout: 0.1, seed };
    await writeModel(stream, { model: `${stream.model}-eos`, version: 1, theta: fittedTheta() });
    const eos = stream.topicsFor('eos');
    await stream.createTopic(eos.classified, 1);
    const settings = {
      trainer: { ...grace, ...DETERMINISTIC },
      scorer: { ...grace, SCORER_SESSION_TIMEOUT_MS: 6000, SCORER_HEARTBEAT_MS: 1000 },
      eos: { ...grace, SCORER_EXACTLY_ONCE: true, SCORER_SESSION_TIMEOUT_MS: 6000, SCORER_HEARTBEAT_MS: 1000, TOPIC_CLASSIFIED: eos.classified },
    };
    const ingest = await processes.start(stream, 'ingest', grace, stream.model, 'ingest-mid-batch');
    const mid = {
      trainer: await processes.start(stream, 'trainer', settings.trainer, stream.model, 'trainer-mid-batch'),
      scorer: await processes.start(stream, 'scorer', settings.scorer, stream.model, 'scorer-mid-batch'),
      eos: await processes.start(stream, 'scorer', settings.eos, `${stream.model}-eos`, 'scorer-eos-mid-batch'),
    };
    await eventually(async () => (await fetch(`${ingest.url}/readyz`)).ok, 30_000, 'ingest ready');
    const readings = [...replayPlan(sonarRows(), { epochs: 1, shuffle: false, seed, holdout: 0.1, synthetic: 4000, idPrefix: 'i' })];
    // Requests in flight when ingest is signalled: answered 202 (then in Kafka) or refused, never acknowledged and lost.
    const posting = postReadings(ingest.url, readings, 2000);
    await sleep(1000);
    await record('ingest', 'mid-batch, requests in flight', ingest.proc);
    const posted = await posting;
    const producing = produceReadings(stream.kafka, stream.topics.readings, { ...plan, rate: 4000 });
    const working = async (name: keyof typeof mid, metric: string, label: string) => {
      await eventually(async () => (await metricValue(mid[name].port, metric)) > 0, 60_000, `${label} working`);
      await record(label.split(' ')[0]!, `mid-batch${name === 'eos' ? ' (exactly once)' : ''}`, mid[name].proc);
    };
    await Promise.all([
      working('trainer', 'sonar_trainer_readings_total', 'trainer'),
      working('scorer', 'sonar_scorer_readings_total', 'scorer'),
      working('eos', 'sonar_scorer_readings_total', 'scorer (exactly once)'),
    ]);
    const streamed = await producing;
    // Up again: nothing the signalled ones had was lost.
    await processes.start(stream, 'trainer', settings.trainer, stream.model, 'trainer-again');
    await processes.start(stream, 'scorer', settings.scorer, stream.model, 'scorer-again');
    await processes.start(stream, 'scorer', settings.eos, `${stream.model}-eos`, 'scorer-eos-again');
    const inTopic = await readTopic(stream.kafka, stream.topics.readings, { count: streamed + posted.acknowledged.size, idleMs: 3000 });
    const records = inTopic.map((m) => JSON.parse(m.value!.toString()) as { id: string; label?: string; holdout?: boolean });
    const stored = new Set(records.map((r) => r.id));
    const expected = fullBatches(records.filter((r) => r.label !== undefined && !r.holdout).length, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const final = await trainedAll(stream, expected);
    const [aloEvents, eosEvents] = await Promise.all([
      readTopic(stream.kafka, stream.topics.classified, { count: stored.size, timeoutMs: 120_000 }),
      readTopic(stream.kafka, eos.classified, { count: stored.size, readCommitted: true, timeoutMs: 120_000 }),
    ]);
    const lost = [...posted.acknowledged].filter((id) => !stored.has(id)).length;
    const eosIds = ids(eosEvents);
    const aloDistinct = new Set(ids(aloEvents)).size;
    const eosDuplicates = eosIds.length - new Set(eosIds).size;
    const heldTrained = await trainedAll(held, fullBatches(plannedTrainable(heldPlan), DETERMINISTIC.TRAIN_BATCH_SIZE) + 1);

    for (const o of outcomes) {
      check(o.code === 0 && o.ms <= GRACE_MS + EXIT_MARGIN_MS, `${o.service} ${o.state}: exit ${o.code} after ${o.ms} ms (grace ${GRACE_MS} ms)`);
    }
    check(outcomes.length === 10, `ten signalled states (${outcomes.length})`);
    check(lost === 0, `every reading ingest acknowledged is in the topic (${lost} lost of ${posted.acknowledged.size})`);
    check(final.samples === expected, `trainer restarted after the mid-batch SIGTERM: samples ${final.samples} = ${expected}`);
    check(aloDistinct === stored.size, `scorer restarted: every reading classified (${aloDistinct} of ${stored.size})`);
    check(new Set(eosIds).size === stored.size && eosDuplicates === 0, `exactly-once scorer restarted: every reading classified once (${new Set(eosIds).size} of ${stored.size}, ${eosDuplicates} duplicates)`);
    check(heldTrained.samples > 0 && heldMembers.every((m) => m.proc.child.exitCode === null), 'the paused members went on after SIGCONT');
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    return {
      fault: 'SIGTERM in every state',
      injected: `SIGTERM (SHUTDOWN_GRACE_MS ${GRACE_MS}) to ${outcomes.map((o) => `${o.service} ${o.state}`).join('; ')}`,
      held: `all exited 0: ${outcomes.map((o) => `${o.service} ${o.state} ${(o.ms / 1000).toFixed(1)} s`).join(', ')} (slowest ${(slowest / 1000).toFixed(1)} s); restarted after mid-batch: samples ${final.samples} = ${expected} (the trainable of ${stored.size.toLocaleString('en-US')} readings in full batches), ${aloDistinct} classified at least once, ${new Set(eosIds).size} exactly once (${eosDuplicates} duplicates), ${posted.acknowledged.size} readings acknowledged by ingest before it stopped, ${lost} lost`,
    };
  } finally {
    await processes.stopAll();
    for (const ctx of contexts) await ctx.cleanup().catch(() => undefined);
  }
}
