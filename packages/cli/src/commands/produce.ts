import { Command, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeReadingText, topicsFrom, contractTopics, type ReadingFormat } from '@sonar/contracts';
import { BatchingProducer, createKafka, createProducer, ensureTopics } from '@sonar/kafka';
import { kafkaConnection } from '@sonar/runtime';
import {
  DRIFT_KINDS,
  holdoutRows,
  httpSink,
  kafkaSink,
  plannedCount,
  produce,
  ReadingPublisher,
  replayPlan,
  sonarSourceRows,
  type SourceRow,
} from '@sonar/ingest';
import { commandEnv, commandLogger } from '../env.ts';
import { progressBar } from '../progress.ts';
import { number, integer, fraction } from '../parse.ts';

interface ProduceFlags {
  file?: string;
  epochs: number;
  shuffle: boolean;
  seed: number;
  rate: number;
  holdout: number;
  synthetic?: number;
  format: ReadingFormat;
  ingestUrl?: string;
  idPrefix: string;
  splitOut?: string;
  progress: boolean;
  driftAt?: number;
  drift?: (typeof DRIFT_KINDS)[number];
}

export function produceCommand(): Command {
  return new Command('produce')
    .description('publish sonar readings onto the readings topic: the shipped data set replayed, a file, or synthetic readings')
    .option('--file <path>', 'a file of UCI lines (60 numbers, optionally ,R or ,M) instead of the shipped data set')
    .option('--epochs <n>', 'times to replay the rows', integer(1), 1)
    .option('--shuffle', 'shuffle the rows every epoch (seeded)', false)
    .option('--seed <s>', 'seed for shuffling, the holdout split and synthetic readings', integer(0), 42)
    .option('--rate <r>', 'readings per second; 0 = as fast as possible', number(0), 0)
    .option('--holdout <f>', 'fraction of labeled rows (stratified) sent with holdout: true, the same rows every epoch', fraction(), 0)
    .option('--synthetic <n>', 'send n synthetic labeled readings (interpolations of same-class rows plus noise) instead', integer(1))
    .addOption(new Option('--format <format>', 'wire format: JSON, UCI lines, or Avro single-object records (straight to Kafka only)').choices(['json', 'csv', 'avro']).default('json'))
    .option('--ingest-url <url>', 'send through the ingest service (POST /readings) instead of straight to Kafka; INGEST_TOKEN is sent if set')
    .option('--id-prefix <prefix>', 'prefix of reading ids', 'r')
    .option('--split-out <file>', 'write the training rows (not held out) as a JSON array, for `sonar fit --train-rows`')
    .option('--drift-at <n>', 'make the stream drift from the n-th reading on (0-based, over the whole run), with --drift', integer(0))
    .addOption(new Option('--drift <kind>', 'label-flip: R and M swapped; shift: every feature moved up by 0.25 (capped at 1)').choices([...DRIFT_KINDS]))
    .option('--no-progress', 'no progress bar')
    .action(async (flags: ProduceFlags) => {
      const env = commandEnv();
      const rows = flags.file ? readRows(flags.file) : sonarSourceRows();
      if (flags.format === 'csv' && flags.holdout > 0) throw new Error('--holdout needs --format json or avro: a CSV line cannot carry the holdout flag');
      if (flags.format === 'avro' && flags.ingestUrl) {
        throw new Error('--format avro goes straight to Kafka: the ingest service takes JSON and CSV over HTTP (drop --ingest-url, or set INGEST_FORMAT=avro on the ingest service)');
      }
      if ((flags.driftAt === undefined) !== (flags.drift === undefined)) throw new Error('--drift-at and --drift go together: where the stream drifts, and how');
      const drift = flags.drift === undefined ? undefined : { at: flags.driftAt!, kind: flags.drift };
      const options = { epochs: flags.epochs, shuffle: flags.shuffle, seed: flags.seed, holdout: flags.holdout, synthetic: flags.synthetic, idPrefix: flags.idPrefix, drift };
      if (flags.splitOut) {
        const held = holdoutRows(rows, flags.holdout, flags.seed);
        writeFileSync(flags.splitOut, `${JSON.stringify(rows.map((_, i) => i).filter((i) => !held.has(i)))}\n`);
      }
      const total = plannedCount(rows, options);
      const topics = topicsFrom(env);
      const logger = commandLogger('produce', env);
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      process.once('SIGTERM', () => abort.abort());
      const bar = progressBar(total, flags.progress);
      let close = async () => undefined as unknown;
      let sink;
      if (flags.ingestUrl) {
        sink = httpSink(flags.ingestUrl, process.env.INGEST_TOKEN);
      } else {
        const kafka = createKafka(kafkaConnection(env), 'sonar-produce', logger);
        const admin = kafka.admin();
        await admin.connect();
        await ensureTopics(admin, contractTopics(topics, env.TOPIC_PARTITIONS, env.TOPIC_REPLICATION));
        await admin.disconnect();
        const producer = createProducer(kafka);
        await producer.connect();
        sink = kafkaSink(new ReadingPublisher(new BatchingProducer(producer, { maxBatchMessages: 1000, lingerMs: 5 }), topics.readings, flags.format));
        close = () => producer.disconnect();
      }
      try {
        const result = await produce(replayPlan(rows, options), total, sink, {
          rate: flags.rate,
          signal: abort.signal,
          onProgress: (p) => bar.update(p.acked, p),
        });
        bar.stop();
        const seconds = result.elapsedMs / 1000;
        process.stderr.write(
          `${abort.signal.aborted ? 'interrupted: ' : ''}sent ${result.acked} readings to ${flags.ingestUrl ?? topics.readings}` +
            `, rejected ${result.rejected}, in ${seconds.toFixed(1)} s: ${Math.round(result.acked / Math.max(seconds, 1e-9))} readings/s\n`,
        );
      } finally {
        bar.stop();
        await close();
      }
    });
}

function readRows(file: string): SourceRow[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim().length > 0);
  return lines.map((line, i) => {
    const decoded = decodeReadingText(line);
    if (!decoded.ok) throw new Error(`${file}:${i + 1}: ${decoded.reason}: ${decoded.message}`);
    return { features: decoded.value.features, label: decoded.value.label };
  });
}
