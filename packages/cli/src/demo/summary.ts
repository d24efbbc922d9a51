import type { Admin, Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { DEAD_LETTER_HEADERS } from '@sonar/contracts';
import { batchFromRows, evaluate, fit, type LabeledRow } from '@sonar/model';
import type { Checkpoint } from '@sonar/store';
import { formatPercent } from '../watch/format.ts';
import { shadowLines, type ShadowComparison } from './shadow-summary.ts';

export interface DemoSummary {
  /** exact: one trainer; parallel: an applier and gradient workers. */
  mode: 'exact' | 'parallel';
  readings: { sent: number; classified: number; malformed: number };
  model: { name: string; version: number; samples: number; cost: number; hyperparameters: Record<string, unknown> };
  holdout: { rows: number; liveModelAccuracy: number; fitAccuracy: number; streamAccuracy: number | undefined };
  readingsPerSecond: { ingest: number; trainer: number; scorer: number };
  deadLetters: { total: number; byReason: Record<string, number>; byService: Record<string, number> };
  /** Parallel mode: per gradient worker, the readings it sent in committed gradients and its gradients the applier applied. */
  workers: { id: string; port: number; readingsSent: number; gradientsApplied: number }[];
  /** The readings topic's partitions, which the workers share. */
  partitions: number;
  /** Parallel mode: versions a gradient was behind the model it was applied to, on average. */
  meanStaleness?: number;
  /** `--shadow`: a challenger trained beside the serving model and scored as its shadow. */
  shadow?: ShadowComparison;
  seconds: number;
}

/** The live model (the newest checkpoint) and `sonar fit` (the derivation) on the same held-out rows. */
export function holdoutComparison(rows: readonly LabeledRow[], held: ReadonlySet<number>, checkpoint: Checkpoint) {
  const trainRows = rows.map((_, i) => i).filter((i) => !held.has(i));
  const reference = fit(rows, { alpha: 0.1, iterations: 1000, l2: 0, optimizer: 'sgd', testSize: 0, seed: 0, trainRows });
  return { rows: held.size, liveModelAccuracy: heldOutAccuracy(rows, held, checkpoint), fitAccuracy: reference.test!.accuracy };
}

/** A checkpoint's accuracy on the held-out rows. */
export function heldOutAccuracy(rows: readonly LabeledRow[], held: ReadonlySet<number>, checkpoint: Checkpoint): number {
  return evaluate(checkpoint.state.theta, batchFromRows(rows, [...held].sort((a, b) => a - b))).accuracy;
}

export async function countRecords(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
}

/**
 * Reads the dead-letter topic to count its letters by reason and by service. Parallel mode's workers
 * write theirs in transactions, whose commit markers take offsets too: the offsets bound the count,
 * and once the letters stop coming for a moment, those read are all there are.
 */
export async function deadLetters(kafka: Kafka, admin: Admin, topic: string): Promise<DemoSummary['deadLetters']> {
  const offsets = await countRecords(admin, topic);
  const byReason: Record<string, number> = {};
  const byService: Record<string, number> = {};
  if (offsets === 0) return { total: 0, byReason, byService };
  const consumer = kafka.consumer({ groupId: `sonar-demo-dlq-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    const timeout = setTimeout(resolve, 15_000);
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timeout);
      clearTimeout(quiet);
      resolve();
    };
    void consumer.run({
      eachMessage: async ({ message }) => {
        const reason = message.headers?.[DEAD_LETTER_HEADERS.reason]?.toString() ?? 'unknown';
        const service = message.headers?.[DEAD_LETTER_HEADERS.service]?.toString() ?? 'unknown';
        byReason[reason] = (byReason[reason] ?? 0) + 1;
        byService[service] = (byService[service] ?? 0) + 1;
        clearTimeout(quiet);
        if (++seen >= offsets) done();
        else quiet = setTimeout(done, 2000);
      },
    });
  });
  await consumer.disconnect();
  return { total: seen, byReason, byService };
}

/** How the summary names a service of the dead letters' sonar.error.service header. */
const SERVICE_NAMES: Record<string, string> = { 'trainer-worker': 'gradient workers' };

export function renderSummary(s: DemoSummary, where: string[]): string {
  const rate = (x: number) => `${Math.round(x).toLocaleString('en-US')} readings/s`;
  const reasons = Object.entries(s.deadLetters.byReason).map(([reason, n]) => `${reason} ×${n}`).join(', ');
  const services = Object.entries(s.deadLetters.byService).map(([service, n]) => `${n} by the ${SERVICE_NAMES[service] ?? service}`).join(', ');
  const lines = [
    '',
    `sonar demo: done in ${s.seconds.toFixed(0)} s`,
    '',
    `  readings          ${s.readings.sent.toLocaleString('en-US')} sent through ingest, ${s.readings.classified.toLocaleString('en-US')} classified`,
    ...modeLines(s),
    `  model             "${s.model.name}" version ${s.model.version}, ${s.model.samples.toLocaleString('en-US')} samples, last batch cost ${s.model.cost.toFixed(4)}`,
    `                    ${Object.entries(s.model.hyperparameters).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`,
    `  holdout accuracy  ${formatPercent(s.holdout.liveModelAccuracy)}  live model on the ${s.holdout.rows} held-out rows (never trained on)`,
    `                    ${formatPercent(s.holdout.fitAccuracy)}  sonar fit, the derivation (alpha 0.1, 1000 iterations) on the same split`,
    `                    ${formatPercent(s.holdout.streamAccuracy)}  as scored in the stream (the scorer's recent holdout readings)`,
    ...(s.shadow ? shadowLines(s.shadow) : []),
    `  throughput        ingest ${rate(s.readingsPerSecond.ingest)}, ${s.mode === 'parallel' ? 'workers' : 'trainer'} ${rate(s.readingsPerSecond.trainer)}, scorer ${rate(s.readingsPerSecond.scorer)}`,
    `                    (each bounded by the rate readings came in at: \`pnpm sonar bench\` measures the maximum)`,
    `  dead letters      ${s.deadLetters.total}${s.deadLetters.total > 0 ? ` (${services}: ${reasons})` : ''} from ${s.readings.malformed} malformed records sent straight to Kafka`,
    '',
    '  where to look',
    ...where.map((line) => `    ${line}`),
    '',
  ];
  return lines.join('\n');
}

/** Which mode trained, and in parallel mode what each worker contributed. */
function modeLines(s: DemoSummary): string[] {
  if (s.mode === 'exact') return [s.shadow ? '  mode              exact: one trainer serving, a challenger trainer beside it on the same readings' : '  mode              exact: one trainer'];
  const n = (x: number) => x.toLocaleString('en-US');
  const plural = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? '' : 's'}`;
  return [
    `  mode              parallel: an applier and ${plural(s.workers.length, 'gradient worker')} on ${s.partitions} partitions`,
    `                    gradients ${s.meanStaleness === undefined ? 'n/a' : s.meanStaleness.toFixed(2)} versions behind the applier's model on average`,
    ...s.workers.map((w) => `                    ${w.id} (:${w.port})  ${plural(w.readingsSent, 'reading')} sent, ${plural(w.gradientsApplied, 'gradient')} applied`),
  ];
}
