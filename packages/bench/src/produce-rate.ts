import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { encodeReading, type ReadingFormat } from '@sonar/contracts';
import { replayPlan } from '@sonar/ingest';
import { sonarHome } from '@sonar/stack';
import { produceReadings, sonarRows, type RunScope } from '@sonar/testkit';
import type { Throughput } from './measure.ts';

/**
 * Fills a topic with synthetic labeled readings the way `sonar produce --synthetic N
 * --rate 0 --format F` does, timing it. The same readings whatever the format.
 */
export async function prefill(run: RunScope, topic: string, count: number, format: ReadingFormat = 'json'): Promise<Throughput & { messageBytes: number }> {
  await run.createTopic(topic, 3);
  const options = { epochs: 1, shuffle: false, seed: 11, holdout: 0, synthetic: count, idPrefix: 'b', format };
  const sample = [...take(replayPlan(sonarRows(), options), 100)];
  const messageBytes = Math.round(sample.reduce((n, r) => n + Buffer.byteLength(encodeReading({ ...r, ts: Date.now() }, format)), 0) / sample.length);
  // Timed as `sonar produce` runs: connecting the producer included.
  const started = performance.now();
  const acked = await produceReadings(run.kafka, topic, options);
  const seconds = (performance.now() - started) / 1000;
  return { count: acked, seconds, perSecond: acked / seconds, messageBytes };
}

/** Kafka's own producer benchmark (kafka-producer-perf-test), from the broker's jars, same record size and acks. */
export async function producerPerfTest(run: RunScope, topic: string, count: number, recordBytes: number): Promise<Throughput> {
  await run.createTopic(topic, 3);
  const args = [
    '-cp',
    join(sonarHome(), 'kafka', 'lib', '*'),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(count),
    '--record-size',
    String(recordBytes),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${run.brokers.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`kafka-producer-perf-test exited with ${code}: ${out.slice(-500)}`))));
  });
  // "1000000 records sent, 123456.7 records/sec (47.1 MB/sec), ..."
  const summary = /(\d+) records sent, ([\d.]+) records\/sec/.exec(output.trim().split('\n').at(-1) ?? '');
  if (!summary) throw new Error(`unexpected kafka-producer-perf-test output: ${output.slice(-300)}`);
  const perSecond = Number(summary[2]);
  return { count: Number(summary[1]), seconds: Number(summary[1]) / perSecond, perSecond };
}

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  let i = 0;
  for (const item of items) {
    if (i++ >= n) return;
    yield item;
  }
}
