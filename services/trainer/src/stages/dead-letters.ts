import { publishDeadLetters, type BatchingProducer } from '@sonar/kafka';
import type { InFlight } from '../events.ts';

/** Invalid records go to the dead-letter topic, reason in the headers, before anything moves on. */
export function deadLetterRejects(producer: BatchingProducer, deadLetterTopic: string) {
  return async (flight: InFlight): Promise<InFlight> => {
    if (flight.event.kind === 'batch' && flight.decoded.rejected.length > 0) {
      const { topic, partition } = flight.event.batch;
      await publishDeadLetters(producer, deadLetterTopic, 'trainer', { topic, partition }, flight.decoded.rejected);
    }
    return flight;
  };
}
