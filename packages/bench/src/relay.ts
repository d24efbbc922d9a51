/**
 * Baseline of `sonar bench`: consume → produce with kafkajs and nothing in between
 * (the same batching, acks=all and commit after the send as the scorer's
 * at-least-once path). Reads BENCH_BROKERS, BENCH_TOPIC, BENCH_OUTPUT, BENCH_GROUP;
 * runs until SIGTERM, printing {"relayed": n} on exit.
 */
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_BROKERS } from '@sonar/contracts';
import { chunkMessages, KAFKA_TUNING } from '@sonar/kafka';

const { BENCH_BROKERS = DEFAULT_KAFKA_BROKERS, BENCH_TOPIC, BENCH_OUTPUT, BENCH_GROUP } = process.env;
const kafka = new Kafka({ clientId: 'bench-relay', brokers: BENCH_BROKERS.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: BENCH_GROUP!, ...KAFKA_TUNING.consumer });
const producer = kafka.producer({ idempotent: KAFKA_TUNING.producer.idempotent, maxInFlightRequests: KAFKA_TUNING.producer.maxInFlightRequests });
let relayed = 0;
await Promise.all([consumer.connect(), producer.connect()]);
await consumer.subscribe({ topic: BENCH_TOPIC!, fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
    const messages = batch.messages.map((m) => ({ key: m.key, value: m.value }));
    // Requests below the broker's message size limit, as the scorer's.
    for (const chunk of chunkMessages(messages, 5000)) {
      await producer.sendBatch({ topicMessages: [{ topic: BENCH_OUTPUT!, messages: chunk.messages }], acks: -1 });
    }
    relayed += messages.length;
    const last = batch.messages.at(-1);
    if (last) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
  },
});
process.once('SIGTERM', () => {
  void Promise.all([consumer.disconnect(), producer.disconnect()]).finally(() => {
    process.stdout.write(`${JSON.stringify({ relayed })}\n`);
    process.exit(0);
  });
});
