import { decodeClassifiedAvro, encodeClassifiedAvro } from './avro/classified-avro.ts';
import { hasAvroMarker } from './avro/reading-schema.ts';
import type { Label } from './reading.ts';

/** Value of sonar.classified: the label a model gave one reading. */
export interface ClassifiedEvent {
  id: string;
  label: Label;
  class: 'rock' | 'mine';
  /** P(rock) = sigmoid(theta · [1, x]). */
  probability: number;
  modelVersion: number;
  model: string;
  readingTs: number;
  scoredAt: number;
  trueLabel?: Label;
  holdout?: boolean;
}

export function classOf(label: Label): ClassifiedEvent['class'] {
  return label === 'R' ? 'rock' : 'mine';
}

export function encodeClassified(event: ClassifiedEvent): string {
  // JSON has no NaN: an event must never be written with one.
  if (!Number.isFinite(event.probability)) throw new Error(`classified event ${event.id} has a non-finite probability`);
  let out =
    `{"id":${JSON.stringify(event.id)},"label":"${event.label}","class":"${event.class}",` +
    `"probability":${event.probability},"modelVersion":${event.modelVersion},"model":${JSON.stringify(event.model)},` +
    `"readingTs":${event.readingTs},"scoredAt":${event.scoredAt}`;
  if (event.trueLabel !== undefined) out += `,"trueLabel":"${event.trueLabel}","holdout":${event.holdout === true}`;
  return `${out}}`;
}

/** How the scorer writes events: JSON (the default) or Avro single-object encoding (schemas/classified.avsc). */
export type EventFormat = 'json' | 'avro';

export function encodeClassifiedAs(format: EventFormat): (event: ClassifiedEvent) => string | Buffer {
  return format === 'avro' ? encodeClassifiedAvro : encodeClassified;
}

/** A classified event in either format, told apart by its first bytes (Avro starts C3 01, never JSON); throws for neither. */
export function decodeClassified(value: string | Uint8Array): ClassifiedEvent {
  if (typeof value !== 'string' && hasAvroMarker(value)) return decodeClassifiedAvro(value);
  return JSON.parse(typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) as ClassifiedEvent;
}
