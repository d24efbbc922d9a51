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
}

/**
 * Decodes a batch and classifies every valid reading with the current model (pure but
 * for the clock). Each reading is decoded into one reused row [1, x] and scored from
 * there: no array per reading.
 */
export function scoreBatch(holder: ModelHolder, modelName: string, maxBytes: number, now: () => number) {
  const row = new Float64Array(THETA_LENGTH);
  row[0] = 1;
  return (batch: ConsumedBatch): ScoredBatch => {
    const scoredAt = now();
    const { model, propagationMs } = holder.take(scoredAt);
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
      events.push(event);
      messages.push({ key: event.id, value: encodeClassified(event) });
    }
    return { batch, events, messages, rejected, modelVersion: model.version, propagationMs };
  };
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
