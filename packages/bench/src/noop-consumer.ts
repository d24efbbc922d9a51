/**
 * Baseline of `sonar bench`: a kafkajs consumer group that does nothing with the
 * records but count them. Reads BENCH_BROKERS, BENCH_TOPIC, BENCH_GROUP, BENCH_COUNT;
 * prints {"first": ms, "last": ms, "count": n} when it has seen BENCH_COUNT records.
 * With BENCH_LEAN_RECORDS=1 it decodes records as the services do, by the lean record
 * decoder; without, it is kafkajs as shipped.
 */
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_BROKERS } from '@sonar/contracts';
import { installLeanRecordDecoder, KAFKA_TUNING } from '@sonar/kafka';

const { BENCH_BROKERS = DEFAULT_KAFKA_BROKERS, BENCH_TOPIC, BENCH_GROUP, BENCH_COUNT, BENCH_LEAN_RECORDS } = process.env;
const target = Number(BENCH_COUNT);
if (BENCH_LEAN_RECORDS === '1' && installLeanRecordDecoder() !== 'installed') throw new Error('the lean record decoder could not be installed');
const kafka = new Kafka({ clientId: 'bench-noop', brokers: BENCH_BROKERS.split(','), logLevel: logLevel.NOTHING });
// The services' consumer settings: the baseline differs from them only in doing nothing.
const consumer = kafka.consumer({ groupId: BENCH_GROUP!, ...KAFKA_TUNING.consumer });
let count = 0;
let first = 0;
await consumer.connect();
await consumer.subscribe({ topic: BENCH_TOPIC!, fromBeginning: true });
await new Promise<void>((resolve) => {
  void consumer.run({
    eachBatch: async ({ batch }) => {
      if (count === 0) first = Date.now();
      count += batch.messages.length;
      if (count >= target) resolve();
    },
  });
});
const last = Date.now();
await consumer.disconnect();
process.stdout.write(`${JSON.stringify({ first, last, count })}\n`);
