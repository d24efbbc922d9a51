import { pythonWith } from '@sonar/contracts/python';
import { KAFKA_TUNING } from '@sonar/kafka';
import type { RunScope } from '@sonar/testkit';
import { runPythonBaseline } from './baseline-script.ts';
import { firstToLast, type FirstToLast, type Throughput } from './measure.ts';

/** kafkajs' default consumer maxBytes (a fetch's total), which KAFKA_TUNING leaves as it is. */
const KAFKAJS_FETCH_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The trainer's job as a data scientist would write it in Python (confluent-kafka,
 * scikit-learn's SGDClassifier, mini-batches of 32) on the pre-filled JSON topic,
 * fetching as the kafkajs consumers do. Undefined, said once, without such a Python.
 */
export async function pythonSgdThroughput(run: RunScope, topic: string, count: number, say: (message: string) => void): Promise<Throughput | undefined> {
  const python = pythonWith(['confluent_kafka', 'sklearn']);
  if (python === undefined) {
    say('python baseline skipped: no python3 with confluent_kafka and sklearn; install python3-confluent-kafka python3-sklearn');
    return undefined;
  }
  const span = await runPythonBaseline<FirstToLast>(python, 'sgd_baseline.py', {
    BENCH_BROKERS: run.brokers.join(','),
    BENCH_TOPIC: topic,
    BENCH_GROUP: `${run.id}-python`,
    BENCH_COUNT: String(count),
    BENCH_FETCH_PARTITION_BYTES: String(KAFKA_TUNING.consumer.maxBytesPerPartition),
    BENCH_FETCH_MAX_BYTES: String(KAFKAJS_FETCH_MAX_BYTES),
    BENCH_FETCH_WAIT_MS: String(KAFKA_TUNING.consumer.maxWaitTimeInMs),
  });
  return firstToLast(span);
}
