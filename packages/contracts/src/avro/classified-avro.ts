import type { ClassifiedEvent } from '../classified.ts';
import { AvroCursor } from './avro-cursor.ts';
import { MAX_VARINT_BYTES, writeLong } from './avro-writer.ts';
import { schemaFingerprint } from './fingerprint.ts';
import { AVRO_MARKER, LABEL_SYMBOLS } from './reading-schema.ts';

/** The Parsing Canonical Form of schemas/classified.avsc (a test holds the published file to it). */
export const CLASSIFIED_AVRO_CANONICAL_FORM =
  '{"name":"sonar.Classified","type":"record","fields":[' +
  '{"name":"id","type":"string"},' +
  '{"name":"label","type":{"name":"sonar.Label","type":"enum","symbols":["R","M"]}},' +
  '{"name":"class","type":{"name":"sonar.Class","type":"enum","symbols":["rock","mine"]}},' +
  '{"name":"probability","type":"double"},' +
  '{"name":"modelVersion","type":"long"},' +
  '{"name":"model","type":"string"},' +
  '{"name":"readingTs","type":"double"},' +
  '{"name":"scoredAt","type":"long"},' +
  '{"name":"trueLabel","type":["null","sonar.Label"]},' +
  '{"name":"holdout","type":["null","boolean"]}]}';

const HEADER = Uint8Array.of(...AVRO_MARKER, ...schemaFingerprint(CLASSIFIED_AVRO_CANONICAL_FORM));
const CLASS_SYMBOLS = ['rock', 'mine'] as const;
const utf8 = new TextEncoder();
const cursor = new AvroCursor();

/** A classified event in Avro single-object encoding; throws, as the JSON encoder does, for a non-finite number. */
export function encodeClassifiedAvro(event: ClassifiedEvent): Buffer {
  if (!Number.isFinite(event.probability) || !Number.isFinite(event.readingTs)) throw new Error(`classified event ${event.id} has a non-finite probability or readingTs`);
  const id = utf8.encode(event.id);
  const model = utf8.encode(event.model);
  const out = Buffer.allocUnsafe(HEADER.length + 9 * MAX_VARINT_BYTES + id.length + model.length + 16 + 3);
  out.set(HEADER);
  let pos = writeLong(out, HEADER.length, id.length);
  out.set(id, pos);
  pos += id.length;
  pos = writeLong(out, pos, LABEL_SYMBOLS.indexOf(event.label));
  pos = writeLong(out, pos, CLASS_SYMBOLS.indexOf(event.class));
  pos = out.writeDoubleLE(event.probability, pos);
  pos = writeLong(out, pos, event.modelVersion);
  pos = writeLong(out, pos, model.length);
  out.set(model, pos);
  pos += model.length;
  pos = out.writeDoubleLE(event.readingTs, pos);
  pos = writeLong(out, pos, event.scoredAt);
  // Unions [null, T]: branch 0 is null, 1 the value; holdout comes with trueLabel, as in JSON.
  if (event.trueLabel === undefined) {
    pos = writeLong(out, pos, 0);
    pos = writeLong(out, pos, 0);
  } else {
    pos = writeLong(out, pos, 1);
    pos = writeLong(out, pos, LABEL_SYMBOLS.indexOf(event.trueLabel));
    pos = writeLong(out, pos, 1);
    out[pos++] = event.holdout === true ? 1 : 0;
  }
  return out.subarray(0, pos);
}

/** Whether a classified event's value is Avro (C3 01 and this schema's fingerprint) rather than JSON. */
export function isClassifiedAvro(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER.length && HEADER.every((byte, i) => bytes[i] === byte);
}

/** A classified event from Avro single-object encoding; throws for bytes that are not one. */
export function decodeClassifiedAvro(bytes: Uint8Array): ClassifiedEvent {
  if (!isClassifiedAvro(bytes)) throw new Error('not an Avro classified event: no C3 01 marker with the classified schema\'s fingerprint');
  const c = cursor.reset(bytes, HEADER.length);
  const id = c.string();
  const label = LABEL_SYMBOLS[c.long()];
  const klass = CLASS_SYMBOLS[c.long()];
  const probability = c.double();
  const modelVersion = c.long();
  const model = c.string();
  const readingTs = c.double();
  const scoredAt = c.long();
  const event: Partial<ClassifiedEvent> = { id, label, class: klass, probability, modelVersion, model, readingTs, scoredAt };
  const trueLabelBranch = c.long();
  if (trueLabelBranch === 1) event.trueLabel = LABEL_SYMBOLS[c.long()];
  const holdoutBranch = c.long();
  if (holdoutBranch === 1) {
    const byte = c.byte();
    event.holdout = byte === 1 ? true : byte === 0 ? false : undefined;
  }
  const wellFormed =
    id !== undefined && label !== undefined && klass !== undefined && model !== undefined && [probability, modelVersion, readingTs, scoredAt].every((x) => x === x) &&
    (trueLabelBranch === 0 || (trueLabelBranch === 1 && event.trueLabel !== undefined)) &&
    (holdoutBranch === 0 || (holdoutBranch === 1 && event.holdout !== undefined)) &&
    c.remaining === 0;
  if (!wellFormed) throw new Error(`not a well-formed Avro classified event (near byte ${c.pos})`);
  return event as ClassifiedEvent;
}
