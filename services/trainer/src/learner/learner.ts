import {
  AccuracyWindow,
  batchPass,
  cloneState,
  gradientStepInPlace,
  initialState,
  optimizerStepInPlace,
  PageHinkley,
  predictLabel,
  restartSchedule,
  type Batch,
  type OptimizerConfig,
  type TrainingState,
} from '@sonar/model';
import { THETA_LENGTH, type GradientRecord } from '@sonar/contracts';
import type { Checkpoint } from '@sonar/store';
import { Intake } from './intake.ts';

export interface LearnerSettings {
  batchSize: number;
  /** 0: batches by count only, so their boundaries depend on the record sequence alone. */
  maxWaitMs: number;
  optimizer: OptimizerConfig;
  /** Health gate: a batch whose progressive cost exceeds this is not applied. */
  costLimit: number;
  accuracyWindow: number;
  /** Offsets per partition within which a reading id seen again is a retry, not trained twice (0: off). */
  dedupWindow: number;
  /** Page–Hinkley over each batch's progressive cost; undefined: no drift detection. */
  drift?: DriftSettings | undefined;
}

export interface DriftSettings {
  /** λ: alarm once the cumulative rise of the batch cost above its running mean passes this. */
  threshold: number;
  /** δ: rises smaller than this are tolerated. */
  delta: number;
  /** reset-schedule: after an alarm, restart the learning-rate schedule, the moments and the average. */
  onDrift: 'none' | 'reset-schedule';
}

/** Where a checkpoint left off; undefined for a model that has none yet. */
export interface LearnerStart {
  state: TrainingState;
  version: number;
  samples: number;
  batches: number;
  cost: number;
  /** Parallel mode: what the applier's checkpoint says was applied of each readings partition. */
  sourceOffsets?: Record<string, string> | undefined;
}

/** In parallel mode, which worker's gradient it was and how many versions behind. */
interface FromWorker {
  worker?: string;
  staleness?: number;
}

export type BatchOutcome =
  | ({ kind: 'applied'; size: number; cost: number; accuracy: number; seconds: number; drift?: { samples: number } } & FromWorker)
  | ({ kind: 'gated'; size: number; cost: number; reason: 'cost_limit' | 'non_finite'; message: string } & FromWorker);

/** A gradient's fate at the applier: a mini-batch's, or skipped as the repeat of readings applied already. */
export type GradientOutcome = BatchOutcome | { kind: 'repeat'; worker: string; size: number };

/**
 * What a checkpoint of this learner holds, taken at one moment (training may go on
 * while it is written), with the learner's change count at that moment.
 */
export type LearnerSnapshot = Pick<Checkpoint, 'version' | 'state' | 'cost' | 'accuracy' | 'samples' | 'batches' | 'offsets' | 'sourceOffsets'> & {
  readonly changes: number;
  /** Drifts detected since the last accepted checkpoint: the next model-update event says so. */
  readonly drifts: number;
};

/**
 * The model being trained, free of I/O: readings go into a buffer, full
 * mini-batches come out as optimizer steps. Each batch is first scored with the
 * current theta (test-then-train), then applied unless the health gate refuses it.
 * In parallel mode (the applier) the steps come from workers' gradients instead.
 * Its counters change only through its own methods.
 */
export class Learner {
  readonly state: TrainingState;
  private versionNow: number;
  private samplesNow: number;
  private batchesNow: number;
  private costNow: number;
  /** Every change a checkpoint would record (a record consumed, a batch applied) counts one. */
  private changes = 0;
  private savedChanges = 0;
  private savedBatches: number;
  private readonly accuracy: AccuracyWindow;
  private readonly probabilities: Float64Array;
  private readonly gradient = new Float64Array(THETA_LENGTH);
  /** Not checkpointed: after a restart it watches afresh (it cannot alarm before 30 batches). */
  private readonly drift: PageHinkley | undefined;
  private driftsNow = 0;
  private savedDrifts = 0;
  /** Where the readings come in: positions, dedup windows, rows waiting for a mini-batch. */
  readonly intake: Intake;
  /** Parallel mode: readings partition → offset after the last reading of an applied gradient. */
  private readonly sourceNext: Map<number, number>;

  /**
   * `positions`: partition → offset of the next record to learn from, where this learner
   * starts; `warmups`: partition → the offset its reading ids are remembered from (before it).
   * For the applier, the partitions are the gradient topic's, and `sourceOffsets` what its
   * checkpoint says was applied of the readings.
   */
  constructor(
    private readonly settings: LearnerSettings,
    start?: LearnerStart,
    positions: ReadonlyMap<number, number> = new Map(),
    warmups: ReadonlyMap<number, number> = new Map(),
  ) {
    this.state = start ? start.state : initialState(settings.optimizer, THETA_LENGTH);
    this.versionNow = start?.version ?? 0;
    this.samplesNow = start?.samples ?? 0;
    this.batchesNow = start?.batches ?? 0;
    this.savedBatches = this.batchesNow;
    // A fresh model has theta = 0, whose cost is ln 2 on any data.
    this.costNow = start?.cost ?? Math.LN2;
    this.accuracy = new AccuracyWindow(settings.accuracyWindow);
    this.probabilities = new Float64Array(settings.batchSize);
    this.intake = new Intake(settings.batchSize, settings.dedupWindow, positions, warmups);
    this.sourceNext = new Map(Object.entries(start?.sourceOffsets ?? {}).map(([p, o]) => [Number(p), Number(o)]));
    const drift = settings.drift;
    this.drift = drift && new PageHinkley({ threshold: drift.threshold, delta: drift.delta, direction: 'increase' });
  }

  /** Drifts detected by this learner since it started. */
  get drifts(): number {
    return this.driftsNow;
  }

  get version(): number {
    return this.versionNow;
  }

  get samples(): number {
    return this.samplesNow;
  }

  get batches(): number {
    return this.batchesNow;
  }

  get lastCost(): number {
    return this.costNow;
  }

  get progressiveAccuracy(): number {
    return this.accuracy.value;
  }

  get buffered(): number {
    return this.intake.buffered;
  }

  /** Mini-batches applied since the last accepted checkpoint. */
  get unsavedBatches(): number {
    return this.batchesNow - this.savedBatches;
  }

  /** True when a checkpoint would say something new: batches applied, or records consumed past the last one. */
  get hasUnsaved(): boolean {
    return this.changes !== this.savedChanges;
  }

  /** Every record consumed moves its partition's position forward, whatever became of it. */
  consumed(partition: number, offset: number): void {
    if (this.intake.consumed(partition, offset)) this.changes += 1;
  }

  /** Applies every full mini-batch; with a max wait, also a partial one whose oldest reading waited long enough. */
  drain(now: number): BatchOutcome[] {
    const outcomes: BatchOutcome[] = [];
    const size = this.settings.batchSize;
    while (this.buffered >= size) outcomes.push(this.step(size));
    const oldest = this.intake.oldestArrival();
    if (this.settings.maxWaitMs > 0 && oldest !== undefined && now - oldest >= this.settings.maxWaitMs) {
      outcomes.push(this.step(this.buffered));
    }
    return outcomes;
  }

  /**
   * Parallel mode: a worker's gradient as one optimizer step at this θ (the L2 term
   * added here), unless the health gate refuses it. A gradient whose readings start
   * before what was applied of their partition is a repeat (a zombie worker's, say):
   * skipped, so that every reading counts once.
   */
  applyGradient(record: GradientRecord): GradientOutcome {
    const started = performance.now();
    const from = this.sourceNext.get(record.partition) ?? 0;
    if (record.fromOffset < from) return { kind: 'repeat', worker: record.worker, size: record.n };
    this.sourceNext.set(record.partition, record.toOffset + 1);
    this.changes += 1;
    const cost = record.costSum / record.n;
    const staleness = Math.max(0, this.versionNow - record.modelVersion);
    const about = { worker: record.worker, staleness };
    if (!(cost <= this.settings.costLimit)) {
      return { kind: 'gated', size: record.n, cost, reason: 'cost_limit', message: `gradient cost ${cost} exceeds the limit ${this.settings.costLimit}`, ...about };
    }
    const result = gradientStepInPlace(this.state, record.gradientSum, record.n, this.settings.optimizer);
    if (!result.ok) return { kind: 'gated', size: record.n, cost, reason: 'non_finite', message: result.message, ...about };
    for (let i = 0; i < record.n; i++) this.accuracy.record(i < record.hits);
    this.samplesNow += record.n;
    this.batchesNow += 1;
    this.costNow = cost;
    const outcome: BatchOutcome = { kind: 'applied', size: record.n, cost, accuracy: record.hits / record.n, seconds: (performance.now() - started) / 1000, ...about };
    if (this.watchDrift(cost)) outcome.drift = { samples: this.samplesNow };
    return outcome;
  }

  /** Parallel mode: readings partition → offset after the last reading of an applied gradient. */
  private sourceOffsets(): Record<string, string> {
    return Object.fromEntries([...this.sourceNext].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), String(o)]));
  }

  /** The next version as it stands now, for a checkpoint; copies everything it holds. */
  snapshot(): LearnerSnapshot {
    return {
      version: this.versionNow + 1,
      state: cloneState(this.state),
      cost: this.costNow,
      accuracy: this.accuracy.value,
      samples: this.samplesNow,
      batches: this.batchesNow,
      offsets: this.intake.offsets(),
      ...(this.sourceNext.size > 0 ? { sourceOffsets: this.sourceOffsets() } : {}),
      changes: this.changes,
      drifts: this.driftsNow - this.savedDrifts,
    };
  }

  /** A checkpoint of this snapshot was accepted: what it holds is saved, what came after it is not. */
  saved(snapshot: LearnerSnapshot): void {
    this.versionNow = Math.max(this.versionNow, snapshot.version);
    this.savedChanges = snapshot.changes;
    this.savedBatches = snapshot.batches;
    this.savedDrifts += snapshot.drifts;
  }

  private step(size: number): BatchOutcome {
    const started = performance.now();
    const batch = this.intake.peek(size);
    this.changes += 1;
    const outcome = this.learn(batch, size, started);
    this.intake.take(size);
    return outcome;
  }

  private learn(batch: Batch, size: number, started: number): BatchOutcome {
    // Cost, scores and gradient at the current θ in one pass over the batch.
    const batchCost = batchPass(this.state.theta, batch, this.settings.optimizer.l2 ?? 0, this.probabilities, this.gradient);
    if (!(batchCost <= this.settings.costLimit)) {
      return { kind: 'gated', size, cost: batchCost, reason: 'cost_limit', message: `batch cost ${batchCost} exceeds the limit ${this.settings.costLimit}` };
    }
    const accuracy = this.score(batch);
    const result = optimizerStepInPlace(this.state, batch, this.settings.optimizer, this.gradient);
    if (!result.ok) return { kind: 'gated', size, cost: batchCost, reason: 'non_finite', message: result.message };
    this.samplesNow += size;
    this.batchesNow += 1;
    this.costNow = batchCost;
    const outcome: BatchOutcome = { kind: 'applied', size, cost: batchCost, accuracy, seconds: (performance.now() - started) / 1000 };
    if (this.watchDrift(batchCost)) outcome.drift = { samples: this.samplesNow };
    return outcome;
  }

  /** The batch's progressive cost into the detector; on an alarm, the schedule starts over if so configured. */
  private watchDrift(cost: number): boolean {
    if (!this.drift || !this.drift.update(cost)) return false;
    this.driftsNow += 1;
    if (this.settings.drift?.onDrift === 'reset-schedule') restartSchedule(this.state);
    return true;
  }

  /** Accuracy of the current theta on a batch it has not learnt from yet (its probabilities from batchPass); feeds the window. */
  private score(batch: Batch): number {
    const p = this.probabilities;
    let hits = 0;
    for (let i = 0; i < batch.n; i++) {
      const hit = predictLabel(p[i]!) === batch.y[i];
      this.accuracy.record(hit);
      if (hit) hits += 1;
    }
    return hits / batch.n;
  }
}
