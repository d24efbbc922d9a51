import { encodeReading, encodingRefusal, type Reading, type ReadingFormat, type Rejection } from '@sonar/contracts';
import type { BatchingProducer } from '@sonar/kafka';

/** Readings onto the readings topic in one format, keyed by id; resolves once Kafka acknowledged them (acks=all). */
export class ReadingPublisher {
  constructor(
    private readonly producer: BatchingProducer,
    private readonly topic: string,
    private readonly format: ReadingFormat = 'json',
  ) {}

  /** Why a valid reading cannot be published in this format (an Avro long cannot carry every ts JSON can), or undefined. */
  refusal(reading: Reading): Rejection | undefined {
    return encodingRefusal(reading, this.format);
  }

  /** Every reading must have passed refusal(): one it refuses would throw here, failing the whole batch. */
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
