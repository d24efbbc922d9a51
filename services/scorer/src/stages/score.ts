import { classOf, encodeClassified, type ClassifiedEvent, type Reading, decodeRecords, type RejectedRecord } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import { predictProbability } from '@sonar/model';
import type { Message } from 'kafkajs';
import type { ModelHolder } from '../model/model-holder.ts';

export interface ScoredBatch {
  batch: ConsumedBatch;
  events: ClassifiedEvent[];
  messages: Message[];
  rejected: RejectedRecord[];
  modelVersion: number;
  propagationMs: number | undefined;
}

/** Decodes a batch and classifies every valid reading with the current model (pure but for the clock). */
export function scoreBatch(holder: ModelHolder, modelName: string, maxBytes: number, now: () => number) {
  return (batch: ConsumedBatch): ScoredBatch => {
    const { readings, rejected } = decodeRecords(batch.messages, maxBytes);
    const scoredAt = now();
    const { model, propagationMs } = holder.take(scoredAt);
    const events: ClassifiedEvent[] = [];
    const messages: Message[] = [];
    for (const { reading, record, offset, timestamp } of readings) {
      const probability = predictProbability(model.theta, reading.features);
      if (!Number.isFinite(probability)) {
        rejected.push({ record, reason: 'unscorable', message: `theta · [1, x] is not a number for these features (model version ${model.version})` });
        continue;
      }
      const event = classify(reading, probability, {
        id: reading.id ?? `${batch.topic}-${batch.partition}-${offset}`,
        model: modelName,
        modelVersion: model.version,
        readingTs: reading.ts ?? timestamp,
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
export function classify(reading: Reading, probability: number, context: EventContext): ClassifiedEvent {
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
