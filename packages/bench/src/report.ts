import type { LatencyFigures } from './latency.ts';
import type { ScorerFigures, TrainerFigures } from './consume-rate.ts';
import type { RssTrace, Throughput } from './measure.ts';
import type { ParallelFigures } from './parallel-rate.ts';

export interface BenchResults {
  date: string;
  mode: 'quick' | 'full';
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; kafka: string };
  readings: number;
  produce: { ours: Throughput; producerPerfTest: Throughput; messageBytes: number };
  /** On the JSON topic, beside the baselines that read it: the no-op consumer, kcat and the Python SGD (undefined when not installed). */
  trainer: TrainerFigures & { kcat: Throughput | undefined; python: Throughput | undefined };
  scorer: ScorerFigures;
  /** The same readings as Avro single-object records on a topic of their own, each service beside its kafkajs baseline there. */
  avro: { produce: Throughput & { messageBytes: number }; trainer: TrainerFigures; scorer: ScorerFigures };
  latency: LatencyFigures & { rate: number; seconds: number };
  /** Parallel mode: the applier's ceiling on pre-filled gradients, and workers + applier end to end (absent in results from before it). */
  parallel?: ParallelFigures;
}

type Row = [string, string, string, string];

/** The table `sonar bench` prints: each figure beside its baseline from the same run, and their ratio. */
export function renderReport(r: BenchResults): string {
  const rate = (t: Throughput) => `${Math.round(t.perSecond).toLocaleString('en-US')}/s`;
  const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : 'n/a');
  const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : 'n/a');
  // The goals are against kafkajs as shipped; this line shows what is left beside the services' own record decoding.
  const leanRows = (t: TrainerFigures): Row[] => [
    ...(t.noopLean ? [['', '', `no-op consumer, lean record decoder ${rate(t.noopLean)}`, ratio(t.trainer.perSecond, t.noopLean.perSecond)] as Row] : []),
    ...roundsRows(t, ratio),
  ];
  const rows: Row[] = [
    [`produce, ${r.readings.toLocaleString('en-US')} readings (${r.produce.messageBytes} B, acks=all)`, rate(r.produce.ours), `kafka-producer-perf-test ${rate(r.produce.producerPerfTest)}`, ratio(r.produce.ours.perSecond, r.produce.producerPerfTest.perSecond)],
    [`trainer, pre-filled JSON topic (${r.produce.messageBytes} B)`, rate(r.trainer.trainer), `no-op kafkajs consumer ${rate(r.trainer.noop)}`, ratio(r.trainer.trainer.perSecond, r.trainer.noop.perSecond)],
    ['', '', r.trainer.kcat ? `kcat -C ${rate(r.trainer.kcat)}` : 'kcat not installed', r.trainer.kcat ? ratio(r.trainer.trainer.perSecond, r.trainer.kcat.perSecond) : ''],
    ['', '', `Python confluent-kafka + SGDClassifier ${r.trainer.python ? rate(r.trainer.python) : 'n/a'}`, ratio(r.trainer.trainer.perSecond, r.trainer.python?.perSecond ?? Number.NaN)],
    ...leanRows(r.trainer),
    [`trainer, pre-filled Avro topic (${r.avro.produce.messageBytes} B)`, rate(r.avro.trainer.trainer), `no-op kafkajs consumer ${rate(r.avro.trainer.noop)}`, ratio(r.avro.trainer.trainer.perSecond, r.avro.trainer.noop.perSecond)],
    ...leanRows(r.avro.trainer),
    ['scorer, pre-filled JSON topic (events acked)', rate(r.scorer.scorer), `kafkajs consume→produce relay ${rate(r.scorer.relay)}`, ratio(r.scorer.scorer.perSecond, r.scorer.relay.perSecond)],
    ['scorer, pre-filled Avro topic (events acked)', rate(r.avro.scorer.scorer), `kafkajs consume→produce relay ${rate(r.avro.scorer.relay)}`, ratio(r.avro.scorer.scorer.perSecond, r.avro.scorer.relay.perSecond)],
    [`end-to-end p50 at ${r.latency.rate}/s`, ms(r.latency.scorer.p50Ms), `relay ${ms(r.latency.relay.p50Ms)}`, ratio(r.latency.scorer.p50Ms, r.latency.relay.p50Ms)],
    [`end-to-end p99 at ${r.latency.rate}/s`, ms(r.latency.scorer.p99Ms), `relay ${ms(r.latency.relay.p99Ms)}`, ratio(r.latency.scorer.p99Ms, r.latency.relay.p99Ms)],
    [`model propagation p50 / p99 (${r.latency.propagation.count} versions)`, `${ms(r.latency.propagation.p50Ms)} / ${ms(r.latency.propagation.p99Ms)}`, 'checkpoint → first reading scored', ''],
    ['trainer RSS peak, growth (JSON topic)', memory(r.trainer.trainerRss), '', ''],
    ['trainer RSS peak, growth (Avro topic)', memory(r.avro.trainer.trainerRss), '', ''],
    [`scorer RSS peak, growth (${r.latency.seconds} s at ${r.latency.rate}/s)`, memory(r.latency.scorerRss), '', ''],
    ...parallelRows(r, rate, ratio),
  ];
  const header: Row = ['benchmark', 'sonar-stream', 'baseline (same run)', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: Row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [
    `sonar bench (${r.mode}) ${r.date}: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, Kafka ${r.machine.kafka}`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

function parallelRows(r: BenchResults, rate: (t: Throughput) => string, ratio: (a: number, b: number) => string): Row[] {
  const p = r.parallel;
  if (!p) return [];
  const single = r.trainer.trainer.perSecond;
  return [
    [
      `applier, ${Math.round(p.applier.count).toLocaleString('en-US')} pre-filled gradients (batch 32)`,
      `${rate(p.applier)} = ${Math.round(p.applier.impliedReadingsPerSecond).toLocaleString('en-US')} readings/s`,
      `no-op kafkajs consumer ${rate(p.noop)}`,
      ratio(p.applier.perSecond, p.noop.perSecond),
    ],
    ...p.workers.map(({ workers, rate: t }): Row => [`parallel mode, ${workers} worker${workers > 1 ? 's' : ''} + applier (JSON)`, rate(t), `exact-mode trainer ${rate(r.trainer.trainer)}`, ratio(t.perSecond, single)]),
  ];
}

/** Every round's trainer / no-op ratio, in the order run, when there were several: how far one round can be off. */
function roundsRows(t: TrainerFigures, ratio: (a: number, b: number) => string): Row[] {
  const rounds = t.rounds ?? [];
  if (rounds.length < 2) return [];
  return [['', '', `by round: ${rounds.map((r) => ratio(r.trainer, r.noop)).join(', ')}; median shown`, '']];
}

function memory(trace: RssTrace): string {
  const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
  const growth = trace.earlyBytes > 0 ? (trace.lateBytes - trace.earlyBytes) / trace.earlyBytes : Number.NaN;
  const verdict = Number.isFinite(growth) ? `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} % (${growth > 0.1 ? 'grows' : 'flat'})` : 'n/a';
  return `${mib(trace.peakBytes)}, ${verdict}`;
}
