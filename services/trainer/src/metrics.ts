import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DECODE_REASON_CODES, METRICS } from '@sonar/contracts';
import { consumerLagGauge, DURATION_BUCKETS, zeroCounter } from '@sonar/runtime';
import type { ConsumerLag } from '@sonar/kafka';
import { STATE_KINDS, type StateKind } from './core/state.ts';

export type TrainerMetrics = ReturnType<typeof trainerMetrics>;

/** The trainer's metrics of the public contract, on the service's one registry. */
export function trainerMetrics(registry: Registry, group: string, lag: ConsumerLag, state: () => StateKind) {
  const registers = [registry];
  const metrics = {
    readings: new Counter({
      name: METRICS.trainerReadings,
      help: 'Valid readings consumed by the trainer, by what became of them (trained, holdout, unlabeled, gated, duplicate: an id seen again within the dedup window).',
      labelNames: ['kind'],
      registers,
    }),
    batches: new Counter({ name: METRICS.trainerBatches, help: 'Mini-batches applied to the model.', registers }),
    cost: new Gauge({
      name: METRICS.trainerCost,
      help: 'Cross-entropy cost J of the last mini-batch, scored before its update (progressive validation).',
      registers,
    }),
    accuracy: new Gauge({
      name: METRICS.trainerAccuracy,
      help: 'Progressive accuracy: share of recent training readings the model classified right before learning from them.',
      registers,
    }),
    samples: new Gauge({ name: METRICS.trainerSamples, help: 'Labeled, non-holdout readings the current model has learnt from.', registers }),
    version: new Gauge({ name: METRICS.trainerModelVersion, help: 'Version of the last checkpoint this trainer wrote or resumed from.', registers }),
    checkpointTime: new Gauge({ name: METRICS.trainerCheckpointTimestamp, help: 'When the last checkpoint was written (Unix time).', registers }),
    batchSeconds: new Histogram({
      name: METRICS.trainerBatchSeconds,
      help: 'Time to score and apply one mini-batch.',
      buckets: DURATION_BUCKETS,
      registers,
    }),
    checkpointSeconds: new Histogram({
      name: METRICS.trainerCheckpointSeconds,
      help: 'Time to write one checkpoint (Redis script, model event, publish, commit).',
      buckets: DURATION_BUCKETS,
      registers,
    }),
    rejected: new Counter({ name: METRICS.trainerRejected, help: 'Invalid records sent to the dead-letter topic, by reason.', labelNames: ['reason'], registers }),
    drifts: new Counter({
      name: METRICS.driftDetected,
      help: 'Drifts detected (Page-Hinkley), by signal: the trainer watches its progressive loss.',
      labelNames: ['signal'],
      registers,
    }),
    healthGate: new Counter({
      name: METRICS.trainerHealthGate,
      help: 'Mini-batches refused by the health gate (update not finite, or cost over the limit), by reason.',
      labelNames: ['reason'],
      registers,
    }),
    fencedWrites: new Counter({
      name: METRICS.trainerFencedWrites,
      help: 'Checkpoints rejected because another trainer took over (stale fencing epoch).',
      registers,
    }),
    deadLettersFailed: new Counter({
      name: METRICS.deadLettersFailed,
      help: 'Rejected records the dead-letter topic refused (too large, topic gone, no broker): logged with their coordinates and skipped.',
      registers,
    }),
    corruptCheckpoints: new Counter({
      name: METRICS.trainerCorruptCheckpoints,
      help: 'Stored checkpoints found unusable at a resume (wrong theta length, a non-finite value, unreadable): passed over for the newest usable version.',
      registers,
    }),
    epochReestablished: new Counter({
      name: METRICS.trainerEpochReestablished,
      help: 'Checkpoints that found the stored fencing epoch behind the writer\'s, or gone (Redis lost writes), and set it back.',
      registers,
    }),
    state: new Gauge({
      name: METRICS.trainerState,
      help: 'The trainer\'s state: 1 for the current one (standby, resuming, active, fenced, stopping, stopped).',
      labelNames: ['state'],
      registers,
      collect() {
        const now = state();
        for (const kind of STATE_KINDS) this.set({ state: kind }, kind === now ? 1 : 0);
      },
    }),
    gradients: new Counter({
      name: METRICS.trainerGradients,
      help: 'Parallel mode: workers\' gradients the applier took, by worker and outcome (applied, gated).',
      labelNames: ['worker', 'outcome'],
      registers,
    }),
    gradientRepeats: new Counter({
      name: METRICS.trainerGradientRepeats,
      help: 'Parallel mode: gradients of readings applied already (a fenced worker\'s), skipped so that each reading counts once.',
      registers,
    }),
    staleness: new Histogram({
      name: METRICS.trainerGradientStaleness,
      help: 'Parallel mode: versions between the model a gradient was computed at and the model it was applied to.',
      buckets: [0, 1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 128],
      registers,
    }),
    lag: consumerLagGauge(registry, group, lag),
  };
  zeroCounter(metrics.readings, 'kind', ['trained', 'holdout', 'unlabeled', 'gated', 'duplicate']);
  zeroCounter(metrics.rejected, 'reason', DECODE_REASON_CODES);
  zeroCounter(metrics.healthGate, 'reason', ['cost_limit', 'non_finite']);
  zeroCounter(metrics.drifts, 'signal', ['progressive_loss']);
  return metrics;
}
