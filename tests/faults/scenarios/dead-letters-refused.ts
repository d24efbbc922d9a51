import { ConfigResourceTypes, ConfigSource, type KafkaMessage, type Message } from 'kafkajs';
import { DEAD_LETTER_HEADERS, encodeReadingJson } from '@sonar/contracts';
import { replayPlan } from '@sonar/ingest';
import type { TestContext } from '../../support/context.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sendRecords, trainedAll } from './common.ts';
import { eventually, fittedTheta, fullBatches, metricValue, readTopic, sonarRows, writeModel } from '@sonar/testkit';

const VALID = 24_000;
/** One malformed record after every this many valid readings. */
const EVERY = 40;
const RATE = 3000;
/** Smaller than any record batch: the dead-letter topics refuse every write (MESSAGE_TOO_LARGE). */
const REFUSING_LIMIT = '100';

/**
 * The dead-letter topics refuse every write for the middle third of a stream (their
 * max.message.bytes set below any batch), then take them again, while a trainer, an
 * at-least-once scorer and an exactly-once scorer read a stream with malformed records
 * in it: none of them stops, every valid reading is trained and classified, and every
 * malformed record is either a dead letter or counted in sonar_dead_letters_failed_total.
 */
export async function deadLettersRefused(ctx: TestContext, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    const eos = ctx.topicsFor('eos');
    await Promise.all([ctx.createTopic(eos.classified, 1), ctx.createTopic(eos.deadLetters, 1)]);
    const eosModel = `${ctx.model}-eos`;
    await writeModel(ctx, { model: eosModel, version: 1, theta: fittedTheta() });

    const plan = [...replayPlan(sonarRows(), { epochs: 1, shuffle: false, seed, holdout: 0.1, synthetic: VALID, idPrefix: 'd' })];
    const records: Message[] = [];
    const malformed = new Set<string>();
    plan.forEach((r, i) => {
      records.push({ key: r.id, value: encodeReadingJson({ ...r, ts: 1_795_000_000_000 }) });
      if ((i + 1) % EVERY === 0) {
        malformed.add(String(records.length));
        records.push({ key: `bad-${i}`, value: '{"features": [0.1, 0.2' });
      }
    });

    const trainer = await processes.start(ctx, 'trainer', DETERMINISTIC);
    const alo = await processes.start(ctx, 'scorer', { SCORER_POLL_MS: 300 });
    const exactly = await processes.start(ctx, 'scorer', { SCORER_EXACTLY_ONCE: true, TOPIC_CLASSIFIED: eos.classified, TOPIC_DLQ: eos.deadLetters }, eosModel, 'scorer-eos');
    const services = [
      { name: 'trainer', port: trainer.port, rejected: 'sonar_trainer_rejected_total', proc: trainer.proc },
      { name: 'scorer (at least once)', port: alo.port, rejected: 'sonar_scorer_rejected_total', proc: alo.proc },
      { name: 'scorer (exactly once)', port: exactly.port, rejected: 'sonar_scorer_rejected_total', proc: exactly.proc },
    ];
    const all = (what: (s: (typeof services)[number]) => Promise<boolean>) => async () => (await Promise.all(services.map(what))).every(Boolean);
    const failedOf = (port: number) => metricValue(port, 'sonar_dead_letters_failed_total');

    // The stream in thirds, each written at RATE while the services read it: letters taken, refused, taken again.
    const third = Math.ceil(records.length / 3);
    const offsetsIn = (k: number) => [...malformed].filter((o) => Math.floor(Number(o) / third) === k);
    const dlqs = [ctx.topics.deadLetters, eos.deadLetters];
    await sendRecords(ctx.kafka, ctx.topics.readings, records.slice(0, third), { rate: RATE });
    await eventually(all(async (s) => (await metricValue(s.port, s.rejected)) >= offsetsIn(0).length), 60_000, 'every service to have dead-lettered the first third');
    // A rejection is counted when its record is decoded and the letter written after: the trainer's and the
    // at-least-once scorer's letters of the first third are all in their (non-transactional) topic before it refuses.
    const lettersWritten = async () => (await ctx.admin.fetchTopicOffsets(ctx.topics.deadLetters)).reduce((n, p) => n + Number(p.high), 0);
    await eventually(async () => (await lettersWritten()) >= 2 * offsetsIn(0).length, 60_000, 'the letters of the first third written by the trainer and the at-least-once scorer');
    await setLimit(ctx, dlqs, REFUSING_LIMIT);
    await sendRecords(ctx.kafka, ctx.topics.readings, records.slice(third, 2 * third), { rate: RATE });
    await eventually(all(async (s) => (await failedOf(s.port)) >= offsetsIn(1).length), 60_000, 'every service to have had the letters of the second third refused');
    await setLimit(ctx, dlqs, undefined);
    await sendRecords(ctx.kafka, ctx.topics.readings, records.slice(2 * third), { rate: RATE });

    const trainable = plan.filter((r) => r.label !== undefined && !r.holdout).length;
    const full = fullBatches(trainable, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const final = await trainedAll(ctx, full);
    await eventually(all(async (s) => (await metricValue(s.port, s.rejected)) >= malformed.size), 120_000, 'every service to have seen every malformed record');
    const [aloEvents, eosEvents, letters, eosLetters] = await Promise.all([
      readTopic(ctx.kafka, ctx.topics.classified, { count: VALID, timeoutMs: 120_000 }),
      readTopic(ctx.kafka, eos.classified, { count: VALID, readCommitted: true, timeoutMs: 120_000 }),
      readTopic(ctx.kafka, ctx.topics.deadLetters, { idleMs: 3000 }),
      readTopic(ctx.kafka, eos.deadLetters, { idleMs: 3000, readCommitted: true }),
    ]);
    const delivered = [
      letters.filter((m) => m.headers?.[DEAD_LETTER_HEADERS.service]?.toString() === 'trainer'),
      letters.filter((m) => m.headers?.[DEAD_LETTER_HEADERS.service]?.toString() === 'scorer'),
      eosLetters,
    ];
    const rows: string[] = [];
    for (const [i, service] of services.entries()) {
      const offsets = delivered[i]!.map((m) => m.headers![DEAD_LETTER_HEADERS.offset]!.toString());
      const failed = await failedOf(service.port);
      const taken = [...offsetsIn(0), ...offsetsIn(2)];
      const exactlyTaken = offsets.length === taken.length && taken.every((o) => offsets.includes(o));
      check(exactlyTaken, `${service.name}: a letter for each malformed record of the first and last thirds, and none else (${offsets.length} letters, ${taken.length} expected)`);
      check(failed === offsetsIn(1).length, `${service.name}: the ${offsetsIn(1).length} letters of the middle third refused and counted (${failed})`);
      check(service.proc.child.exitCode === null, `${service.name} still running`);
      rows.push(`${service.name} ${offsets.length} delivered + ${failed} refused (counted)`);
    }
    const ids = (events: KafkaMessage[]) => events.map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id);
    const aloIds = new Set(ids(aloEvents));
    const eosIds = ids(eosEvents);
    const eosDuplicates = eosIds.length - new Set(eosIds).size;
    check(final.samples === full, `samples ${final.samples} = ${full}`);
    check(aloIds.size === VALID, `at least once: every valid reading classified (${aloIds.size} of ${VALID})`);
    check(new Set(eosIds).size === VALID && eosDuplicates === 0, `exactly once: every valid reading classified once (${new Set(eosIds).size} of ${VALID}, ${eosDuplicates} duplicates)`);
    const ready = (await Promise.all([trainer, alo, exactly].map(async (s) => (await fetch(`${s.url}/readyz`)).ok))).every(Boolean);
    check(ready, 'every service ready at the end');
    return {
      fault: 'dead-letter topic refuses writes',
      injected: `max.message.bytes of the dead-letter topics set to ${REFUSING_LIMIT} for the middle third of a stream of ${VALID.toLocaleString('en-US')} valid readings and ${malformed.size} malformed at ${RATE}/s (${offsetsIn(0).length}, ${offsetsIn(1).length}, ${offsetsIn(2).length} malformed per third), then reset`,
      held: `${rows.join('; ')} of ${malformed.size} malformed; samples ${final.samples} = ${full}; ${aloIds.size} of ${VALID} classified at least once, ${new Set(eosIds).size} exactly once (${eosDuplicates} duplicates); no service stopped`,
    };
  } finally {
    await processes.stopAll();
  }
}

/** Sets the topics' max.message.bytes (undefined: back to the broker's default); resolves once the broker says it applies. */
async function setLimit(ctx: TestContext, topics: string[], limit: string | undefined): Promise<void> {
  await ctx.admin.alterConfigs({
    validateOnly: false,
    resources: topics.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      configEntries: limit === undefined ? [] : [{ name: 'max.message.bytes', value: limit }],
    })),
  });
  await eventually(async () => {
    const { resources } = await ctx.admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
    });
    return resources.every((r) => {
      const entry = r.configEntries.find((e) => e.configName === 'max.message.bytes');
      return limit === undefined ? entry !== undefined && entry.configSource !== ConfigSource.TOPIC_CONFIG : entry?.configValue === limit;
    });
  }, 30_000, `max.message.bytes of the dead-letter topics ${limit ?? 'back to the default'}`);
}
