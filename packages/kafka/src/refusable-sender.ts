import type { Message, Producer } from 'kafkajs';
import { withDeadline } from '@sonar/runtime';
import { chunkMessages } from './chunk-messages.ts';
import { KAFKA_TUNING } from './tuning.ts';

export type SendOutcome = { kind: 'sent' } | { kind: 'refused'; error: string };

/**
 * Sends that may be refused without stopping anything: bounded retries (a producer
 * made with createProducer(kafka, undefined, 'bounded')) and a deadline, and the
 * refusal — a topic deleted, a record too large, no broker — comes back as a value.
 */
export class RefusableSender {
  constructor(
    private readonly producer: Producer,
    private readonly deadlineMs: number = KAFKA_TUNING.boundedProducer.deadlineMs,
  ) {}

  async send(topic: string, messages: Message[]): Promise<SendOutcome> {
    if (messages.length === 0) return { kind: 'sent' };
    try {
      await withDeadline(
        (async () => {
          for (const chunk of chunkMessages(messages, 1000)) await this.producer.send({ topic, messages: chunk.messages, acks: -1 });
        })(),
        this.deadlineMs,
      );
      return { kind: 'sent' };
    } catch (error) {
      return { kind: 'refused', error: error instanceof Error ? error.message : String(error) };
    }
  }
}
