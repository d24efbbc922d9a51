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

export function decodeClassified(text: string): ClassifiedEvent {
  return JSON.parse(text) as ClassifiedEvent;
}
