import { decodeRecords, type DecodedRecords } from '@sonar/kafka';
import type { InFlight, TrainerEvent } from '../events.ts';
import type { TrainingSession } from '../session.ts';

const NOTHING: DecodedRecords = { readings: [], rejected: [] };

/** Records not yet consumed (a seek may replay some) → readings, and rejects with their reasons. */
export function decodeFresh(session: TrainingSession, maxBytes: number) {
  return (event: TrainerEvent): InFlight => {
    const counts = { trained: 0, holdout: 0, unlabeled: 0 };
    if (event.kind === 'tick') return { event, decoded: NOTHING, outcomes: [], counts };
    const learner = session.learner!;
    const { partition, messages } = event.batch;
    const decoded = decodeRecords(messages, maxBytes, learner.position(partition));
    return { event, decoded, outcomes: [], counts };
  };
}
