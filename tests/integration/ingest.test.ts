import { describe, expect, it } from 'vitest';
import { decodeReading, type Reading } from '@sonar/contracts';
import { askAvroPython, comparable, fromWire, type WireReading } from '@sonar/contracts/avro-python';
import { loadSonar, sonarLines } from '@sonar/dataset';
import type { TestContext } from '../support/context.ts';
import { testScope } from '../support/scope.ts';
import { eventually, produceReadings, readTopic, runSonar } from '@sonar/testkit';

const scope = testScope();

const context = (name: string, partitions = 3) => scope.context(name, partitions);

async function readings(ctx: TestContext, count: number): Promise<{ reading: Reading; timestamp: number; key: string | undefined; value: Buffer }[]> {
  const records = await readTopic(ctx.kafka, ctx.topics.readings, { count });
  return records.map((m) => {
    const decoded = decodeReading(m.value);
    if (!decoded.ok) throw new Error(`undecodable reading in the topic: ${decoded.reason}`);
    return { reading: decoded.value, timestamp: Number(m.timestamp), key: m.key?.toString(), value: m.value! };
  });
}

/** Whether a record value is in Avro single-object encoding (marker C3 01) rather than text. */
const isAvro = (value: Buffer) => value[0] === 0xc3 && value[1] === 0x01;

/** `sonar produce` as a user runs it, with the test's topics. */
function sonarProduce(ctx: TestContext, args: string[]) {
  return runSonar(['produce', '--no-progress', ...args], ctx.env());
}

const rowOf = (id: string) => Number(/^r(\d+)-e\d+$/.exec(id)![1]);
const epochOf = (id: string) => Number(/-e(\d+)$/.exec(id)![1]);
const bits = (values: Float64Array) => Array.from(new Uint8Array(values.buffer));

describe('sonar produce', () => {
  const rows = loadSonar();

  it('delivers every row exactly once with bit-exact features, as JSON', async () => {
    const ctx = await context('produce-json');
    expect(await produceReadings(ctx.kafka, ctx.topics.readings, { epochs: 2 })).toBe(416);
    const got = await readings(ctx, 416);
    expect(got).toHaveLength(416);
    expect(new Set(got.map((r) => r.reading.id)).size).toBe(416);
    for (const { reading, key } of got) {
      const row = rowOf(reading.id!);
      expect(key).toBe(reading.id);
      expect(bits(reading.features)).toEqual(bits(rows[row]!.features));
      expect(reading.label).toBe(rows[row]!.label === 1 ? 'R' : 'M');
    }
  });

  it('delivers every row exactly once with bit-exact features, as CSV lines of the UCI file', async () => {
    const ctx = await context('produce-csv', 1);
    const result = await sonarProduce(ctx, ['--format', 'csv']);
    expect(result.code).toBe(0);
    const got = await readings(ctx, 208);
    expect(got).toHaveLength(208);
    const lines = sonarLines();
    // One partition keeps the file's order; each value is the one written in the file.
    got.forEach(({ reading }, i) => {
      expect(reading.id).toBeUndefined();
      expect(Array.from(reading.features)).toEqual(lines[i]!.split(',').slice(0, 60).map(Number));
      expect(bits(reading.features)).toEqual(bits(rows[i]!.features));
    });
  });

  it('delivers every row exactly once with bit-exact features, as Avro single-object records', async () => {
    const ctx = await context('produce-avro');
    const result = await sonarProduce(ctx, ['--format', 'avro', '--epochs', '2', '--holdout', '0.2']);
    expect(result.code).toBe(0);
    const got = await readings(ctx, 416);
    expect(got).toHaveLength(416);
    expect(new Set(got.map((r) => r.reading.id)).size).toBe(416);
    for (const { reading, key, value } of got) {
      const row = rowOf(reading.id!);
      expect(isAvro(value)).toBe(true);
      expect(key).toBe(reading.id);
      expect(bits(reading.features)).toEqual(bits(rows[row]!.features));
      expect(reading.label).toBe(rows[row]!.label === 1 ? 'R' : 'M');
      expect(reading.ts).toBeGreaterThan(0);
    }
    // Avro carries the holdout flag, as JSON does: 42 rows held out in each epoch.
    expect(got.filter((r) => r.reading.holdout)).toHaveLength(84);
    // Apache Avro for Python reads the very records in the topic as the same readings.
    const { readings: inPython } = askAvroPython<{ readings: WireReading[] }>({ op: 'decode', records: got.map((r) => r.value.toString('hex')) });
    expect(inPython.map((w) => comparable(fromWire(w)))).toEqual(got.map((r) => comparable(r.reading)));
  });

  it('refuses --format avro through the ingest service, which takes JSON and CSV', async () => {
    const ctx = await context('produce-avro-http', 0);
    const result = await sonarProduce(ctx, ['--format', 'avro', '--ingest-url', 'http://127.0.0.1:9']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--format avro goes straight to Kafka: the ingest service takes JSON and CSV/);
  });

  it('--holdout 0.2 --seed 42 flags the same stratified 20 % of rows every epoch', async () => {
    const ctx = await context('produce-holdout');
    const result = await sonarProduce(ctx, ['--epochs', '3', '--shuffle', '--holdout', '0.2', '--seed', '42']);
    expect(result.code).toBe(0);
    const got = await readings(ctx, 624);
    const heldByEpoch = [0, 1, 2].map(
      (epoch) => new Set(got.filter((r) => epochOf(r.reading.id!) === epoch && r.reading.holdout).map((r) => rowOf(r.reading.id!))),
    );
    expect(heldByEpoch[0]!.size).toBe(42);
    expect([...heldByEpoch[1]!].sort()).toEqual([...heldByEpoch[0]!].sort());
    expect([...heldByEpoch[2]!].sort()).toEqual([...heldByEpoch[0]!].sort());
    const rocks = [...heldByEpoch[0]!].filter((row) => rows[row]!.label === 1).length;
    expect(rocks).toBe(20); // 97 rocks and 111 mines → 20 and 22 held out
    // Shuffled: the epochs' orders differ.
    const order = (epoch: number) => got.filter((r) => epochOf(r.reading.id!) === epoch).map((r) => r.reading.id);
    expect(order(1)).not.toEqual(order(0));
  });

  it('--rate 500 stays within 10 % of 500 readings/s', async () => {
    const ctx = await context('produce-rate', 1);
    const result = await sonarProduce(ctx, ['--epochs', '12', '--rate', '500']);
    expect(result.code).toBe(0);
    const got = await readings(ctx, 2496);
    const stamps = got.map((r) => r.reading.ts!).sort((a, b) => a - b);
    const measured = (stamps.length - 1) / ((stamps.at(-1)! - stamps[0]!) / 1000);
    expect(measured).toBeGreaterThan(450);
    expect(measured).toBeLessThan(550);
    const reported = Number(/(\d+) readings\/s/.exec(result.stderr)![1]);
    expect(Math.abs(reported - 500) / 500).toBeLessThan(0.1);
  });
});

describe('ingest service', () => {
  const rows = loadSonar();
  const body = (i: number, extra: object = {}) => ({ id: `h-${i}`, features: Array.from(rows[i]!.features), label: rows[i]!.label === 1 ? 'R' : 'M', ...extra });

  async function ingest(ctx: TestContext, extra: Record<string, string | number> = {}) {
    const { proc, port } = await ctx.serviceOnFreePort('ingest', { INGEST_BODY_LIMIT: 65_536, ...extra });
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok, 30_000, 'ingest to be ready');
    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
    return { url, post, proc };
  }

  it('answers valid, invalid, mixed, CSV, oversized and unauthorised requests as documented', async () => {
    const ctx = await context('ingest-http');
    const token = 'a-long-enough-token';
    const { post, url } = await ingest(ctx, { INGEST_TOKEN: token });
    const auth = { authorization: `Bearer ${token}` };

    const single = await post(body(0), auth);
    expect(single.status).toBe(202);
    expect(await single.json()).toMatchObject({ accepted: 1, rejected: 0 });

    const array = await post([body(1), body(2)], auth);
    expect(array.status).toBe(202);
    expect(await array.json()).toMatchObject({ accepted: 2, rejected: 0 });

    const invalid = await post([{ features: [1, 2, 3] }, body(3, { label: 'X' })], auth);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      accepted: 0,
      rejected: 2,
      errors: [
        { index: 0, reason: 'wrong_feature_count' },
        { index: 1, reason: 'invalid_label' },
      ],
    });

    const mixed = await post([body(4), { features: [] }, body(5)], auth);
    expect(mixed.status).toBe(400);
    expect(await mixed.json()).toMatchObject({
      accepted: 2,
      rejected: 1,
      published: [
        { index: 0, id: 'h-4' },
        { index: 2, id: 'h-5' },
      ],
      errors: [{ index: 1, reason: 'wrong_feature_count' }],
    });

    const csv = await fetch(`${url}/readings`, { method: 'POST', headers: { 'content-type': 'text/csv', ...auth }, body: sonarLines().slice(6, 9).join('\n') });
    expect(csv.status).toBe(202);
    expect(await csv.json()).toMatchObject({ accepted: 3 });

    const oversized = await post(Array.from({ length: 200 }, (_, i) => body(i % 208)), auth);
    expect(oversized.status).toBe(413);

    expect((await post(body(9))).status).toBe(401);
    expect((await post(body(9), { authorization: 'Bearer wrong-token-here' })).status).toBe(401);

    const published = await readings(ctx, 8);
    expect(published.map((r) => r.reading.id ?? 'csv').sort()).toEqual(['csv', 'csv', 'csv', 'h-0', 'h-1', 'h-2', 'h-4', 'h-5']);
    // JSON onto Kafka by default, CSV-posted readings too.
    expect(published.every((r) => r.value.toString().startsWith('{'))).toBe(true);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/sonar_ingest_readings_total\{service="ingest"\} 8/);
    expect(metrics).toMatch(/sonar_ingest_rejected_total\{reason="wrong_feature_count",service="ingest"\} 2/);
  });

  it('publishes Avro records with INGEST_FORMAT=avro, refusing per item a ts an Avro long cannot carry', async () => {
    const ctx = await context('ingest-avro');
    const { post, url } = await ingest(ctx, { INGEST_FORMAT: 'avro' });
    // JSON takes any finite ts ≥ 0; Avro's long stops at 2^53 - 1.
    const answer = await post([body(0, { ts: 1795000000123 }), body(1, { ts: 2 ** 60 }), body(2, { holdout: true })]);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      accepted: 2,
      rejected: 1,
      published: [
        { index: 0, id: 'h-0' },
        { index: 2, id: 'h-2' },
      ],
      errors: [{ index: 1, reason: 'invalid_ts' }],
    });
    const csv = await fetch(`${url}/readings`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: sonarLines()[3]! });
    expect(csv.status).toBe(202);

    const published = await readings(ctx, 3);
    expect(published.every((r) => isAvro(r.value))).toBe(true);
    const byId = new Map(published.map((r) => [r.reading.id ?? 'csv', r.reading]));
    expect([...byId.keys()].sort()).toEqual(['csv', 'h-0', 'h-2']);
    for (const [id, row] of [['h-0', 0], ['h-2', 2], ['csv', 3]] as const) expect(bits(byId.get(id)!.features)).toEqual(bits(rows[row]!.features));
    expect(byId.get('h-0')).toMatchObject({ label: 'R', holdout: false, ts: 1795000000123 });
    expect(byId.get('h-2')!.holdout).toBe(true);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/sonar_ingest_rejected_total\{reason="invalid_ts",service="ingest"\} 1/);
  });

  it('flushes what it accepted before exiting on SIGTERM', async () => {
    const ctx = await context('ingest-sigterm');
    // A long linger keeps accepted readings in the producer's buffer when the signal comes.
    const { post, proc } = await ingest(ctx, { INGEST_LINGER_MS: 3000, INGEST_BATCH_MESSAGES: 10_000 });
    const answers = [post([body(10), body(11)]), post([body(12)]), post(body(13))];
    await new Promise((resolve) => setTimeout(resolve, 300));
    proc.signal('SIGTERM');
    const statuses = await Promise.all(answers.map(async (a) => (await a).status));
    expect(statuses).toEqual([202, 202, 202]);
    expect(await proc.exited).toBe(0);
    const published = await readings(ctx, 4);
    expect(published.map((r) => r.reading.id).sort()).toEqual(['h-10', 'h-11', 'h-12', 'h-13']);
  });
});
