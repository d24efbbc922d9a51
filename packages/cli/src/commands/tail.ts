import { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { decodeClassified, isClassifiedAvro, topicsFrom } from '@sonar/contracts';
import { createKafka } from '@sonar/kafka';
import { kafkaConnection } from '@sonar/runtime';
import { commandEnv, commandLogger } from '../env.ts';

interface TailFlags {
  follow: boolean;
  json: boolean;
  fromBeginning: boolean;
}

export function tailCommand(): Command {
  return new Command('tail')
    .description('print classified events from sonar.classified (JSON lines with --json)')
    .option('-f, --follow', 'keep printing new events until Ctrl-C', false)
    .option('--json', 'print each event as one JSON object per line (Avro events decoded to it)', false)
    .option('--no-from-beginning', 'only events that arrive from now on (implies --follow)')
    .action(async (flags: TailFlags) => {
      const env = commandEnv();
      const topic = topicsFrom(env).classified;
      const kafka = createKafka(kafkaConnection(env), 'sonar-tail', commandLogger('tail', env));
      const admin = kafka.admin();
      await admin.connect();
      // Without --follow, stop at the end offsets of the moment we started.
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
      await admin.disconnect();
      const follow = flags.follow || !flags.fromBeginning;
      const remaining = new Map([...ends].filter(([, end]) => end > 0));
      // A throwaway group that never commits: tailing moves nobody's offsets.
      const consumer = kafka.consumer({ groupId: `sonar-tail-${randomBytes(6).toString('hex')}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: flags.fromBeginning });
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (!follow && remaining.size === 0) stop();
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const lines = batch.messages.map((m) => (flags.json ? jsonOf(m.value) : formatEvent(m.value)));
          process.stdout.write(`${lines.join('\n')}\n`);
          const end = remaining.get(batch.partition);
          if (!follow && end !== undefined && Number(batch.lastOffset()) + 1 >= end) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) stop();
          }
        },
      });
      await stopped;
      await consumer.disconnect();
    });
}

/** The event as one JSON line, whichever format it came in (Avro events are decoded first). */
function jsonOf(value: Buffer | null): string {
  if (value === null) return 'null';
  try {
    return isClassifiedAvro(value) ? JSON.stringify(decodeClassified(value)) : value.toString();
  } catch {
    return value.toString('hex');
  }
}

function formatEvent(value: Buffer | null): string {
  const text = value?.toString() ?? '';
  try {
    const e = decodeClassified(value ?? '');
    const truth = e.trueLabel === undefined ? '' : `  truth ${e.trueLabel}${e.trueLabel === e.label ? ' ✓' : ' ✗'}${e.holdout ? ' (holdout)' : ''}`;
    return `${e.id.padEnd(20)} ${e.class.padEnd(4)}  P(rock)=${e.probability.toFixed(3)}  model v${e.modelVersion}  ${e.scoredAt - e.readingTs} ms${truth}`;
  } catch {
    return text;
  }
}
