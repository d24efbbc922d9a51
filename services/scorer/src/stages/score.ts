import { classOf, decodeReadingInto, encodeClassified, THETA_LENGTH, type ClassifiedEvent, type ReadingHeader, type RejectedRecord } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import { dot, sigmoid } from '@sonar/model';
import type { Message } from 'kafkajs';
import type { ModelHolder } from '@sonar/store';

export interface ScoredBatch {
  batch: ConsumedBatch;
  events: ClassifiedEvent[];
  messages: Message[];
  rejected: RejectedRecord[];
  modelVersion: number;
  propagationMs: number | undefined;
  /** With a shadow model: its P(rock) for each event, in order, and how long each side took. */
  shadow?: ShadowScores | undefined;
}

export interface ShadowScores {
  version: number;
  probabilities: Float64Array;
  /** The serving side's decode and scoring of the batch, and the shadow's scoring of the same rows. */
  servingSeconds: number;
  shadowSeconds: number;
}

/**
 * Decodes a batch and classifies every valid reading with the current model (pure but
 * for the clock). Each reading is decoded into one reused row [1, x] and scored from
 * there: no array per reading.
 */
export interface ScoreSettings {
  /** The model's name, in every event. */
  model: string;
  maxReadingBytes: number;
  now: () => number;
  /** A second model every reading is scored with too, for metrics only. */
  shadow?: ModelHolder | undefined;
  /** An event's record value: JSON by default. */
  encode?: (event: ClassifiedEvent) => string | Buffer;
}

export function scoreBatch(holder: ModelHolder, { model: modelName, maxReadingBytes: maxBytes, now, shadow, encode = encodeClassified }: ScoreSettings) {
  const row = new Float64Array(THETA_LENGTH);
  row[0] = 1;
  let rows = new Float64Array(0);
  return (batch: ConsumedBatch): ScoredBatch => {
    const started = performance.now();
    const scoredAt = now();
    const { model, propagationMs } = holder.take(scoredAt);
    // The shadow's rows are kept, so that each side's scoring can be timed on its own.
    const shadowModel = shadow?.current;
    if (shadowModel && rows.length < batch.messages.length * THETA_LENGTH) rows = new Float64Array(batch.messages.length * THETA_LENGTH);
    const events: ClassifiedEvent[] = [];
    const messages: Message[] = [];
    const rejected: RejectedRecord[] = [];
    for (const record of batch.messages) {
      const reading = decodeReadingInto(record.value, row, 1, maxBytes);
      if (!reading.ok) {
        rejected.push({ record, reason: reading.reason, message: reading.message });
        continue;
      }
      const probability = sigmoid(dot(model.theta, row, 0, THETA_LENGTH));
      if (!Number.isFinite(probability)) {
        rejected.push({ record, reason: 'unscorable', message: `theta · [1, x] is not a number for these features (model version ${model.version})` });
        continue;
      }
      const event = classify(reading, probability, {
        id: reading.id ?? `${batch.topic}-${batch.partition}-${record.offset}`,
        model: modelName,
        modelVersion: model.version,
        readingTs: reading.ts ?? Number(record.timestamp),
        scoredAt,
      });
      if (shadowModel) rows.set(row, events.length * THETA_LENGTH);
      events.push(event);
      messages.push({ key: event.id, value: encode(event) });
    }
    const scored: ScoredBatch = { batch, events, messages, rejected, modelVersion: model.version, propagationMs };
    if (shadowModel) scored.shadow = shadowScores(shadowModel, rows, events.length, (performance.now() - started) / 1000);
    return scored;
  };
}

/** The shadow model's P(rock) of the rows the serving model scored; a non-finite one (features too large for it) counts as 0.5. */
function shadowScores(model: { version: number; theta: Float64Array }, rows: Float64Array, n: number, servingSeconds: number): ShadowScores {
  const started = performance.now();
  const probabilities = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = sigmoid(dot(model.theta, rows, i * THETA_LENGTH, THETA_LENGTH));
    probabilities[i] = Number.isFinite(p) ? p : 0.5;
  }
  return { version: model.version, probabilities, servingSeconds, shadowSeconds: (performance.now() - started) / 1000 };
}

/** A scored batch handed to Kafka; `acked` resolves (with the time) once Kafka acknowledged its events. */
export interface PublishedBatch extends ScoredBatch {
  acked: Promise<number>;
}

type EventContext = Pick<ClassifiedEvent, 'id' | 'model' | 'modelVersion' | 'readingTs' | 'scoredAt'>;

/** The event of a reading the model gave this P(rock). */
export function classify(reading: ReadingHeader, probability: number, context: EventContext): ClassifiedEvent {
  const label = probability >= 0.5 ? 'R' : 'M';
  // One object literal of a fixed shape: this runs for every reading.
  const event: ClassifiedEvent = {
    id: context.id,
    label,
    class: classOf(label),
    probability,
    modelVersion: context.modelVersion,
    model: context.model,
    readingTs: context.readingTs,
    scoredAt: context.scoredAt,
  };
  if (reading.label !== undefined) {
    event.trueLabel = reading.label;
    event.holdout = reading.holdout;
  }
  return event;
}
