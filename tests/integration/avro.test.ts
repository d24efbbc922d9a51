import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, decodeClassified, encodeReading, isClassifiedAvro, METRICS, type Reading } from '@sonar/contracts';
import { askAvroPython, CLASSIFIED_SCHEMA, toWire } from '@sonar/contracts/avro-python';
import { loadSonar } from '@sonar/dataset';
import { holdoutRows, replayPlan } from '@sonar/ingest';
import { batchFromRows, gradientDescent, predictProbability } from '@sonar/model';
import { testScope } from '../support/scope.ts';
import { fittedTheta, metricValue, produceReadings, readTopic, runSonar, sonarRows, trained, writeModel } from '@sonar/testkit';

// Avro readings through the real services: records written by another language's
// Avro library, and malformed records of every kind among valid ones.
const scope = testScope();

const STREAMING_AS_BATCH = { TRAIN_OPTIMIZER: 'sgd', TRAIN_ALPHA: 0.1, TRAIN_BATCH_SIZE: 166, TRAIN_BATCH_MAX_WAIT_MS: 0, TRAIN_CHECKPOINT_EVERY: 1 };

describe('Avro readings written by Apache Avro for Python', () => {
  it('train exactly as batch gradient descent on the same rows, and are scored each by the trained model, in Avro events Python reads', async () => {
    const ctx = await scope.context('avro-python', 1);
    // 50 epochs in order, 42 rows held out: the records encoded by the Python library and produced by librdkafka.
    const plan = [...replayPlan(sonarRows(), { epochs: 50, shuffle: false, seed: 42, holdout: 0.2, idPrefix: 'py' })];
    const { produced } = askAvroPython<{ produced: number }>({ op: 'produce', brokers: ctx.brokers.join(','), topic: ctx.topics.readings, readings: plan.map(toWire) });
    expect(produced).toBe(208 * 50);

    const trainer = await ctx.serviceOnFreePort('trainer', STREAMING_AS_BATCH);
    const checkpoint = await trained(ctx, 166 * 50);
    const rows = loadSonar();
    const held = holdoutRows(sonarRows(), 0.2, 42);
    const reference = gradientDescent(batchFromRows(rows, rows.map((_, i) => i).filter((i) => !held.has(i))), { alpha: 0.1, iterations: 50 });
    expect(checkpoint.samples).toBe(8300);
    expect(checkpoint.batches).toBe(50);
    expect(Math.max(...Array.from(checkpoint.state.theta, (t, j) => Math.abs(t - reference.theta[j]!)))).toBeLessThanOrEqual(1e-9);
    expect(await metricValue(trainer.port, METRICS.trainerRejected)).toBe(0);

    // The scorer starts after the last checkpoint: every reading is scored by that model.
    await ctx.serviceOnFreePort('scorer', { SCORER_EVENT_FORMAT: 'avro' });
    const records = await readTopic(ctx.kafka, ctx.topics.classified, { count: plan.length, timeoutMs: 90_000 });
    expect(records.every((m) => isClassifiedAvro(m.value!))).toBe(true);
    const events = records.map((m) => decodeClassified(m.value!));
    expect(events).toHaveLength(plan.length);
    const { datums } = askAvroPython<{ datums: Record<string, unknown>[] }>({ op: 'decode-datums', schema: CLASSIFIED_SCHEMA, records: records.map((m) => m.value!.toString('hex')) });
    expect(datums).toEqual(events.map((e) => ({ trueLabel: null, holdout: null, ...e })));
    const tail = await runSonar(['tail', '--json'], ctx.env());
    expect(tail.code).toBe(0);
    expect(tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(events);
    const planned = new Map(plan.map((r) => [r.id, r]));
    for (const event of events) {
      const reading = planned.get(event.id)!;
      const probability = predictProbability(checkpoint.state.theta, reading.features);
      expect(event.modelVersion).toBe(checkpoint.version);
      expect(event.probability).toBeCloseTo(probability, 12);
      expect(event.label).toBe(probability >= 0.5 ? 'R' : 'M');
      expect([event.trueLabel, event.holdout]).toEqual([reading.label, reading.holdout]);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(plan.length);
  });
});

/** Valid Avro readings made malformed one way each, with the reason a service must give. */
function malformedAvro(): { name: string; value: Buffer; reason: string }[] {
  const reading = (over: Partial<Reading> = {}): Reading => ({ id: 'bad', features: new Float64Array(60).fill(0.25), label: 'R', holdout: false, ts: undefined, ...over });
  const avro = (over: Partial<Reading> = {}) => Buffer.from(encodeReading(reading(over), 'avro'));
  const changed = (bytes: Buffer, at: number, byte: number) => {
    const copy = Buffer.from(bytes);
    copy[at < 0 ? copy.length + at : at] = byte;
    return copy;
  };
  const valid = avro();
  // The end of a labeled reading without ts: label branch 1, label index, holdout byte, ts branch 0.
  return [
    { name: 'another schema fingerprint', value: changed(valid, 5, valid[5]! ^ 0xff), reason: 'unknown_schema' },
    { name: 'a header cut short', value: valid.subarray(0, 6), reason: 'invalid_avro' },
    { name: 'a datum cut short', value: valid.subarray(0, 200), reason: 'invalid_avro' },
    { name: 'a trailing byte', value: Buffer.concat([valid, Buffer.from([0])]), reason: 'invalid_avro' },
    { name: 'a label enum index out of range', value: changed(valid, -3, 4), reason: 'invalid_avro' },
    { name: 'a holdout byte that is no boolean', value: changed(valid, -2, 2), reason: 'invalid_avro' },
    { name: '59 features', value: avro({ features: new Float64Array(59).fill(0.25) }), reason: 'wrong_feature_count' },
    { name: 'a NaN feature', value: avro({ features: new Float64Array(60).fill(0.25).fill(Number.NaN, 30, 31) }), reason: 'non_finite_feature' },
    { name: 'an infinite feature', value: avro({ features: new Float64Array(60).fill(0.25).fill(Infinity, 0, 1) }), reason: 'non_finite_feature' },
    { name: 'an empty id', value: avro({ id: '' }), reason: 'invalid_id' },
    // ts 5 is the zigzag byte 0x0a; 0x09 is -5.
    { name: 'a negative ts', value: changed(avro({ ts: 5 }), -1, 0x09), reason: 'invalid_ts' },
  ];
}

describe('malformed Avro records', () => {
  it('are dead-lettered with their reasons while the trainer and the scorer go on, learning and scoring the rest as without them', async () => {
    const bad = malformedAvro();
    const ctx = await scope.context('avro-malformed', 1);
    const clean = await scope.context('avro-clean', 1);
    const producer = ctx.kafka.producer();
    await producer.connect();
    const send = () => producer.send({ topic: ctx.topics.readings, messages: bad.map(({ value }) => ({ value })) });
    await send();
    await produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 3, format: 'avro' });
    await send();
    await producer.disconnect();
    await produceReadings(clean.kafka, clean.topics.readings, { epochs: 3, format: 'avro' });

    const settings = { TRAIN_BATCH_SIZE: 8, TRAIN_CHECKPOINT_EVERY: 1 };
    const trainer = await ctx.serviceOnFreePort('trainer', settings);
    await clean.serviceOnFreePort('trainer', settings);
    await writeModel(ctx, { version: 1, theta: fittedTheta(), model: `${ctx.model}-served` });
    const scorer = await ctx.serviceOnFreePort('scorer', { SONAR_MODEL: `${ctx.model}-served` });

    const withBad = await trained(ctx, 624);
    const withoutBad = await trained(clean, 624);
    expect(Array.from(withBad.state.theta)).toEqual(Array.from(withoutBad.state.theta));
    const events = await readTopic(ctx.kafka, ctx.topics.classified, { count: 624, timeoutMs: 90_000 });
    expect(new Set(events.map((m) => decodeClassified(m.value!.toString()).id)).size).toBe(624);

    const letters = await readTopic(ctx.kafka, ctx.topics.deadLetters, { count: 4 * bad.length, timeoutMs: 90_000 });
    const expected = [...bad, ...bad].map((b) => b.reason).sort();
    for (const name of ['trainer', 'scorer']) {
      const own = letters.filter((m) => m.headers![DEAD_LETTER_HEADERS.service]!.toString() === name);
      expect(own.map((m) => m.headers![DEAD_LETTER_HEADERS.reason]!.toString()).sort(), name).toEqual(expected);
      // Each letter carries the record as it came.
      expect(own.slice(0, bad.length).map((m) => m.value!.toString('hex')), name).toEqual(bad.map((b) => b.value.toString('hex')));
    }
    expect(await metricValue(trainer.port, METRICS.trainerRejected)).toBe(2 * bad.length);
    expect(await metricValue(scorer.port, METRICS.scorerRejected)).toBe(2 * bad.length);
    expect([trainer.proc.child.exitCode, scorer.proc.child.exitCode]).toEqual([null, null]);
  });
});
