import { labelToNumber } from '@sonar/model';
import type { InFlight } from '../events.ts';

/**
 * Labeled, non-holdout readings join the mini-batch buffer (the others are only
 * counted); every record, rejected or not, moves its partition's position.
 */
export function keepTrainable(now: () => number) {
  return (flight: InFlight): InFlight => {
    if (flight.event.kind !== 'batch') return flight;
    const { learner } = flight;
    const { partition } = flight.event.batch;
    const arrivedAt = now();
    for (const { reading, offset } of flight.decoded.readings) {
      if (reading.label === undefined) flight.counts.unlabeled += 1;
      else if (reading.holdout) flight.counts.holdout += 1;
      else {
        learner.add({ features: reading.features, y: labelToNumber(reading.label), partition, offset, arrivedAt });
      }
    }
    const last = flight.event.batch.messages.at(-1);
    if (last) learner.consumed(partition, Number(last.offset));
    return flight;
  };
}

/** Full mini-batches (or a partial one past the max wait) → optimizer steps, scored first. */
export function applyMiniBatches(now: () => number) {
  return (flight: InFlight): InFlight => {
    flight.outcomes = flight.learner.drain(now());
    return flight;
  };
}
