import { encodeReading, type Reading, type ReadingFormat } from '@sonar/contracts';
import type { BatchingProducer } from '@sonar/kafka';

/** Readings onto the readings topic, keyed by id; resolves once Kafka acknowledged them (acks=all). */
export class ReadingPublisher {
  constructor(
    private readonly producer: BatchingProducer,
    private readonly topic: string,
    private readonly format: ReadingFormat = 'json',
  ) {}

  publish(readings: readonly Reading[]): Promise<void> {
    return this.producer.send(
      this.topic,
      readings.map((reading) => ({ key: reading.id ?? null, value: encodeReading(reading, this.format) })),
    );
  }

  /** Readings handed over and not yet acknowledged by Kafka. */
  get pending(): number {
    return this.producer.pending;
  }

  whenWritable(): Promise<void> {
    return this.producer.whenWritable();
  }

  flush(): Promise<void> {
    return this.producer.flush();
  }
}
