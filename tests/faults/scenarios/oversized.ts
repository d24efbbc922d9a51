import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CompressionTypes, type Message } from 'kafkajs';
import { DEAD_LETTER_HEADERS, DEFAULT_DEAD_LETTER_LIMITS, encodeReadingJson } from '@sonar/contracts';
import { createProducer } from '@sonar/kafka';
import { replayPlan } from '@sonar/ingest';
import type { TestContext } from '../../support/context.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sendRecords, trainedAll } from './common.ts';
import { eventually, fullBatches, metricValue, readTopic, sonarRows } from '@sonar/testkit';

/** The readings topic's max.message.bytes: far above the broker's default 1 MiB, as a deployment taking large batches would set it. */
const TOPIC_LIMIT = 20_000_000;
const COMPRESSED_BYTES = 5_000_000;
/** A value this much below the limit: with the batch's and the record's overhead, within a few hundred bytes of it. */
const BELOW_LIMIT = 300;

/**
 * A 5 MB record gzip-compressed to a few KB, and a record within a few hundred bytes of
 * the readings topic's limit, between valid readings: both are accepted by the broker and
 * are far larger than a dead letter may be. Trainer and scorer must dead-letter them as
 * too_large with a prefix, the original size and SHA-256, and go on with the readings after.
 */
export async function oversizedRecords(ctx: TestContext, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    await ctx.createTopics(1, ctx.topics, { 'max.message.bytes': String(TOPIC_LIMIT) });
    const plan = [...replayPlan(sonarRows(), { epochs: 1, shuffle: false, seed, holdout: 0.1, synthetic: 6000, idPrefix: 'o' })];
    const valid = plan.map((r): Message => ({ key: r.id, value: encodeReadingJson({ ...r, ts: 1_795_000_000_000 }) }));
    const compressed = Buffer.alloc(COMPRESSED_BYTES, 'a');
    const nearLimit = Buffer.alloc(TOPIC_LIMIT - BELOW_LIMIT, 'b');
    const overLimit = Buffer.alloc(TOPIC_LIMIT + 1, 'c');
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    const originals = new Map([
      [String(valid.length / 2), { bytes: compressed.length, sha256: sha256(compressed) }],
      [String(valid.length / 2 + 1), { bytes: nearLimit.length, sha256: sha256(nearLimit) }],
    ]);

    const trainer = await processes.start(ctx, 'trainer', DETERMINISTIC);
    const scorer = await processes.start(ctx, 'scorer', { SCORER_POLL_MS: 300 });
    await sendRecords(ctx.kafka, ctx.topics.readings, valid.slice(0, valid.length / 2));
    await sendRecords(ctx.kafka, ctx.topics.readings, [{ key: 'gzip-5mb', value: compressed }], { compression: CompressionTypes.GZIP });
    await sendRecords(ctx.kafka, ctx.topics.readings, [{ key: 'near-limit', value: nearLimit }]);
    // The limit is real: one byte over it, the broker refuses the record.
    const overRefused = await refusal(ctx, { key: 'over-limit', value: overLimit });
    await sendRecords(ctx.kafka, ctx.topics.readings, valid.slice(valid.length / 2));

    const trainable = plan.filter((r) => r.label !== undefined && !r.holdout).length;
    const full = fullBatches(trainable, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const final = await trainedAll(ctx, full);
    await eventually(async () => (await metricValue(scorer.port, 'sonar_scorer_readings_total')) >= valid.length, 60_000, 'the scorer to classify every valid reading');
    const classified = await readTopic(ctx.kafka, ctx.topics.classified, { count: valid.length });
    const classifiedIds = new Set(classified.map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id));
    const unclassified = plan.filter((r) => !classifiedIds.has(r.id)).length;
    const letters = await readTopic(ctx.kafka, ctx.topics.deadLetters, { count: 4 });

    const wrong: string[] = [];
    const services: string[] = [];
    for (const letter of letters) {
      const h = (name: string) => letter.headers?.[name]?.toString();
      const offset = h(DEAD_LETTER_HEADERS.offset)!;
      const original = originals.get(offset);
      services.push(`${h(DEAD_LETTER_HEADERS.service)}@${offset}`);
      const as = (what: string, ok: boolean) => ok || wrong.push(`${h(DEAD_LETTER_HEADERS.service)} offset ${offset}: ${what}`);
      as('a record of the test', original !== undefined);
      as(`reason ${h(DEAD_LETTER_HEADERS.reason)}`, h(DEAD_LETTER_HEADERS.reason) === 'too_large');
      as(`truncated ${h(DEAD_LETTER_HEADERS.truncated)}`, h(DEAD_LETTER_HEADERS.truncated) === 'value');
      as(`original bytes ${h(DEAD_LETTER_HEADERS.originalValueBytes)}`, h(DEAD_LETTER_HEADERS.originalValueBytes) === String(original?.bytes));
      as('original SHA-256', h(DEAD_LETTER_HEADERS.originalValueSha256) === original?.sha256);
      as(`a prefix of ${letter.value?.length} bytes`, letter.value?.length === DEFAULT_DEAD_LETTER_LIMITS.prefixBytes);
    }
    const perService = (service: string) => services.filter((s) => s.startsWith(`${service}@`)).length;
    const running = [trainer, scorer].every((s) => s.proc.child.exitCode === null);
    const ready = (await Promise.all([trainer, scorer].map(async (s) => (await fetch(`${s.url}/readyz`)).ok))).every(Boolean);
    check(overRefused !== undefined, `the broker refuses a record one byte over the limit (${overRefused ?? 'accepted'})`);
    check(letters.length === 4 && perService('trainer') === 2 && perService('scorer') === 2, `two dead letters per service: ${services.join(', ')}`);
    check(wrong.length === 0, `every dead letter says what happened: ${wrong.join('; ')}`);
    check(final.samples === full, `samples ${final.samples} = ${full}: the readings after the large records were learnt`);
    check(unclassified === 0, `every valid reading classified (${unclassified} missing)`);
    check(running && ready, 'trainer and scorer still running and ready');
    return {
      fault: 'oversized records',
      injected: `${COMPRESSED_BYTES.toLocaleString('en-US')} bytes gzip-compressed (the value alone compresses to ${gzipSync(compressed).length.toLocaleString('en-US')} bytes), and ${nearLimit.length.toLocaleString('en-US')} bytes (${BELOW_LIMIT} below the topic's max.message.bytes ${TOPIC_LIMIT.toLocaleString('en-US')}; one byte over it the broker answers ${overRefused}), between ${valid.length.toLocaleString('en-US')} valid readings`,
      held: `4 dead letters (trainer 2, scorer 2), each too_large, its value cut to ${DEFAULT_DEAD_LETTER_LIMITS.prefixBytes} bytes with the original size and SHA-256 in headers; samples ${final.samples} = ${full}; ${valid.length - unclassified} of ${valid.length} valid readings classified; no service restarted`,
    };
  } finally {
    await processes.stopAll();
  }
}

/** The broker's answer to a record it refuses (undefined if it took it), through a producer that gives up. */
async function refusal(ctx: TestContext, message: Message): Promise<string | undefined> {
  const producer = createProducer(ctx.kafka, undefined, 'bounded');
  await producer.connect();
  try {
    await producer.send({ topic: ctx.topics.readings, acks: -1, messages: [message] });
    return undefined;
  } catch (error) {
    const { type, cause } = error as { type?: string; cause?: { type?: string } };
    return type ?? cause?.type ?? (error as Error).name;
  } finally {
    await producer.disconnect();
  }
}
