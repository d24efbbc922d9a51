import { AvroCursor } from './avro/avro-cursor.ts';
import { MAX_VARINT_BYTES, writeLong } from './avro/avro-writer.ts';
import { schemaFingerprint } from './avro/fingerprint.ts';
import { hasAvroMarker } from './avro/reading-schema.ts';
import { reject, THETA_LENGTH, type Decoded } from './reading.ts';

/**
 * A parallel-mode worker's mini-batch (schemas/gradient.avsc): the data gradient summed
 * at the worker's theta, what it cost and scored, and where its readings came from.
 */
export interface GradientRecord {
  model: string;
  worker: string;
  n: number;
  /** X^T(h - y) summed over the mini-batch, THETA_LENGTH numbers, without the L2 term. */
  gradientSum: Float64Array;
  /** The summed cross-entropy: n × the batch's cost J. */
  costSum: number;
  hits: number;
  modelVersion: number;
  partition: number;
  fromOffset: number;
  toOffset: number;
}

/** The Parsing Canonical Form of schemas/gradient.avsc (a test holds the published file to it). */
export const GRADIENT_AVRO_CANONICAL_FORM =
  '{"name":"sonar.Gradient","type":"record","fields":[' +
  '{"name":"model","type":"string"},{"name":"worker","type":"string"},{"name":"n","type":"long"},' +
  '{"name":"gradientSum","type":{"type":"array","items":"double"}},{"name":"costSum","type":"double"},' +
  '{"name":"hits","type":"long"},{"name":"modelVersion","type":"long"},{"name":"partition","type":"int"},' +
  '{"name":"fromOffset","type":"long"},{"name":"toOffset","type":"long"}]}';

const HEADER = Uint8Array.of(0xc3, 0x01, ...schemaFingerprint(GRADIENT_AVRO_CANONICAL_FORM));
const utf8 = new TextEncoder();
const cursor = new AvroCursor();

export function encodeGradient(record: GradientRecord): Uint8Array {
  const model = utf8.encode(record.model);
  const worker = utf8.encode(record.worker);
  const count = record.gradientSum.length;
  const out = new Uint8Array(HEADER.length + 12 * MAX_VARINT_BYTES + model.length + worker.length + 8 * (count + 1));
  const view = new DataView(out.buffer);
  out.set(HEADER);
  let pos = HEADER.length;
  for (const text of [model, worker]) {
    pos = writeLong(out, pos, text.length);
    out.set(text, pos);
    pos += text.length;
  }
  pos = writeLong(out, pos, record.n);
  pos = writeLong(out, pos, count);
  for (let j = 0; j < count; j++, pos += 8) view.setFloat64(pos, record.gradientSum[j]!, true);
  pos = writeLong(out, pos, 0);
  view.setFloat64(pos, record.costSum, true);
  pos += 8;
  for (const value of [record.hits, record.modelVersion, record.partition, record.fromOffset, record.toOffset]) pos = writeLong(out, pos, value);
  return out.subarray(0, pos);
}

/** A gradient record, its gradient written into `into`; never throws, whatever the bytes. */
export function decodeGradient(bytes: Uint8Array | null, into: Float64Array = new Float64Array(THETA_LENGTH)): Decoded<GradientRecord> {
  if (bytes === null || bytes.length === 0) return reject('empty', 'the gradient record is empty or a tombstone');
  if (!hasAvroMarker(bytes) || bytes.length < HEADER.length) return reject('invalid_avro', 'not an Avro single-object record');
  for (let i = 2; i < HEADER.length; i++) if (bytes[i] !== HEADER[i]) return reject('unknown_schema', 'the schema fingerprint is not the gradient schema\'s');
  const c = cursor.reset(bytes, HEADER.length);
  const model = c.string();
  const worker = c.string();
  const n = c.long();
  const count = c.doublesInto(into, 0, THETA_LENGTH);
  const costSum = c.double();
  const [hits, modelVersion, partition, fromOffset, toOffset] = [c.long(), c.long(), c.long(), c.long(), c.long()];
  if (model === undefined || worker === undefined || count < 0 || toOffset !== toOffset || c.remaining !== 0) return reject('invalid_avro', 'not a well-formed gradient datum');
  const record = { model, worker, n, gradientSum: into, costSum, hits, modelVersion, partition, fromOffset, toOffset };
  const problem = gradientProblem(record, count, c.allFinite);
  return problem ? reject('invalid_gradient', problem) : { ok: true, value: record };
}

function gradientProblem(r: GradientRecord, count: number, allFinite: boolean): string | undefined {
  if (count !== THETA_LENGTH) return `the gradient sum has ${count} numbers, not ${THETA_LENGTH}`;
  if (!allFinite) return 'the gradient sum holds a value that is not finite';
  if (!(Number.isSafeInteger(r.n) && r.n >= 1)) return `n must be a positive integer, got ${r.n}`;
  if (!(Number.isFinite(r.costSum) && r.costSum >= 0)) return `costSum must be a finite number >= 0, got ${r.costSum}`;
  if (!(Number.isSafeInteger(r.hits) && r.hits >= 0 && r.hits <= r.n)) return `hits must be from 0 to n, got ${r.hits}`;
  if (!(Number.isSafeInteger(r.modelVersion) && r.modelVersion >= 0)) return `modelVersion must be a version, got ${r.modelVersion}`;
  if (!(Number.isSafeInteger(r.partition) && r.partition >= 0)) return `partition must be >= 0, got ${r.partition}`;
  if (!(Number.isSafeInteger(r.fromOffset) && r.fromOffset >= 0 && r.toOffset >= r.fromOffset)) return `offsets ${r.fromOffset}..${r.toOffset} are not a range`;
  return undefined;
}
