import { decodeRecords, type DecodedRecords } from '@sonar/kafka';
import type { Admitted, InFlight } from '../events.ts';

const NOTHING: DecodedRecords = { readings: [], rejected: [] };

/** Records not yet consumed (a seek may replay some) → readings, and rejects with their reasons. */
export function decodeFresh(maxBytes: number) {
  return ({ event, learner }: Admitted): InFlight => {
    const counts = { holdout: 0, unlabeled: 0 };
    if (event.kind === 'tick') return { event, learner, decoded: NOTHING, outcomes: [], counts };
    const { partition, messages } = event.batch;
    const decoded = decodeRecords(messages, maxBytes, learner.position(partition));
    return { event, learner, decoded, outcomes: [], counts };
  };
}
