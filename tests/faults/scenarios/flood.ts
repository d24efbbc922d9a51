import { DEAD_LETTER_HEADERS, DECODE_REASON_CODES, encodeReading, encodeReadingJson, type RejectReason } from '@sonar/contracts';
import { replayPlan } from '@sonar/ingest';
import { randomIndex, seededRng, type Rng } from '@sonar/model';
import type { Message } from 'kafkajs';
import type { TestContext } from '../../support/context.ts';
import { testContext } from '../../support/context.ts';
import type { FaultRow } from '../support/report.ts';
import { check, DETERMINISTIC, Processes, sameBits, sendRecords, trainedAll } from './common.ts';
import { eventually, fullBatches, metricValue, readTopic, sonarRows } from '@sonar/testkit';

const features = (n: number) => Array.from({ length: n }, (_, i) => (i % 7) / 10);
const json = (fields: object) => JSON.stringify({ features: features(60), label: 'R', ...fields });
const avro = () => encodeReading({ id: 'a', features: Float64Array.from(features(60)), label: 'R', holdout: false, ts: undefined }, 'avro');
const otherSchema = () => {
  const value = avro();
  value[2]! ^= 0xff; // a fingerprint byte
  return value;
};

/**
 * One malformed value per reason code; random bytes start with 0xFF, so they are
 * never UTF-8 and never the Avro marker C3 01.
 */
const MALFORMED: Record<Exclude<RejectReason, 'unscorable' | 'invalid_gradient'> | 'random_bytes', (rng: Rng) => Buffer | string | null> = {
  empty: (rng) => (rng() < 0.5 ? null : ''),
  too_large: () => `{"features": [${'0.5,'.repeat(17_000)}0.5]}`,
  not_utf8: () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
  invalid_json: () => '{"features": [0.1, 0.2',
  not_an_object: () => '[0.1, 0.2, 0.3]',
  missing_features: () => '{"label": "R"}',
  wrong_feature_count: (rng) => (rng() < 0.5 ? JSON.stringify({ features: features(59) }) : features(62).join(',')),
  not_a_number: () => JSON.stringify({ features: ['0.1', ...features(59)] }),
  non_finite_feature: (rng) => (rng() < 0.5 ? `NaN,${features(59).join(',')},M` : `{"features": [1e400, ${features(59).join(',')}]}`),
  invalid_label: () => json({ label: 'X' }),
  invalid_id: () => json({ id: '' }),
  invalid_holdout: () => json({ holdout: 'yes' }),
  invalid_ts: () => json({ ts: -1 }),
  unknown_schema: otherSchema,
  invalid_avro: (rng) => avro().subarray(0, 10 + randomIndex(rng, 480)), // cut inside the datum
  random_bytes: (rng) => Buffer.from(Array.from({ length: 20 + randomIndex(rng, 180) }, (_, i) => (i === 0 ? 0xff : randomIndex(rng, 256)))),
};

/**
 * 10,000 malformed records (every reason code, and random bytes) mixed into
 * 100,000 valid readings by a raw producer: exactly 10,000 dead letters per
 * consuming service with the right reasons, no restarts, and theta equal to a
 * run on the valid readings alone.
 */
export async function badInputFlood(ctx: TestContext, seed: number): Promise<FaultRow> {
  const clean = await testContext('fault-flood-clean');
  const processes = new Processes();
  try {
    await ctx.createTopics(1);
    await clean.createTopics(1);
    const rng = seededRng(seed);
    const plan = [...replayPlan(sonarRows(), { epochs: 1, shuffle: false, seed, holdout: 0.1, synthetic: 100_000, idPrefix: 'v' })];
    const valid = plan.map((r): Message => ({ key: r.id, value: encodeReadingJson({ ...r, ts: 1_795_000_000_000 }) }));
    const kinds = Object.keys(MALFORMED) as (keyof typeof MALFORMED)[];
    const small = kinds.filter((k) => k !== 'too_large');
    const mixed: Message[] = [];
    const expected: (RejectReason | undefined)[] = [];
    const malformedAt = new Set<number>();
    while (malformedAt.size < 10_000) malformedAt.add(randomIndex(rng, 110_000));
    let next = 0;
    for (let i = 0; i < 110_000; i++) {
      if (malformedAt.has(i)) {
        // too_large values are big: keep them to one in a hundred.
        const kind = rng() < 0.01 ? 'too_large' : small[randomIndex(rng, small.length)]!;
        mixed.push({ key: `bad-${i}`, value: MALFORMED[kind](rng) });
        expected.push(kind === 'random_bytes' ? 'not_utf8' : kind);
      } else {
        mixed.push(valid[next++]!);
        expected.push(undefined);
      }
    }
    await sendRecords(ctx.kafka, ctx.topics.readings, mixed);
    await sendRecords(clean.kafka, clean.topics.readings, valid);

    const trainer = await processes.start(ctx, 'trainer', DETERMINISTIC);
    const scorer = await processes.start(ctx, 'scorer', {});
    await processes.start(clean, 'trainer', DETERMINISTIC, clean.model, 'clean-trainer');
    // The scorer waits for a model: the trainer's first checkpoint.
    const trainable = plan.filter((r) => !r.holdout).length;
    const full = fullBatches(trainable, DETERMINISTIC.TRAIN_BATCH_SIZE);
    const flooded = await trainedAll(ctx, full);
    const reference = await trainedAll(clean, full);
    await eventually(async () => (await metricValue(scorer.port, 'sonar_scorer_readings_total')) >= 100_000, 120_000, 'the scorer to classify everything');
    const letters = await readTopic(ctx.kafka, ctx.topics.deadLetters, { count: 20_000, timeoutMs: 120_000 });
    const wrong: string[] = [];
    const perService: Record<string, number> = {};
    const byReason: Record<string, number> = {};
    for (const letter of letters) {
      const h = (name: string) => letter.headers?.[name]?.toString();
      const service = h(DEAD_LETTER_HEADERS.service)!;
      const reason = h(DEAD_LETTER_HEADERS.reason)!;
      perService[service] = (perService[service] ?? 0) + 1;
      byReason[reason] = (byReason[reason] ?? 0) + 1;
      const want = expected[Number(h(DEAD_LETTER_HEADERS.offset))];
      if (reason !== want) wrong.push(`offset ${h(DEAD_LETTER_HEADERS.offset)}: ${reason}, expected ${want}`);
    }
    const stillRunning = [trainer, scorer].every((s) => s.proc.child.exitCode === null);
    const identical = sameBits(flooded.state.theta, reference.state.theta);
    const everyReason = DECODE_REASON_CODES.every((code) => (byReason[code] ?? 0) > 0);
    check(perService.trainer === 10_000 && perService.scorer === 10_000, `10,000 dead letters per service: ${JSON.stringify(perService)}`);
    check(wrong.length === 0, `every dead letter has the right reason: ${wrong.slice(0, 5).join('; ')}`);
    check(everyReason, 'every reason code occurred');
    check(stillRunning, 'no service restarted');
    check(identical, 'theta equals a run on the valid readings alone');
    return {
      fault: 'bad-input flood',
      injected: '10,000 malformed records (every reason code and random bytes) among 100,000 valid readings, by a raw producer',
      held: `dead letters: trainer ${perService.trainer}, scorer ${perService.scorer}, ${wrong.length} with a wrong reason (${Object.entries(byReason).map(([r, n]) => `${r} ${n / 2}`).join(', ')}); services never restarted; theta ${identical ? 'bit-identical to' : 'DIFFERENT from'} the valid-only run`,
    };
  } finally {
    await processes.stopAll();
    await clean.cleanup();
  }
}
