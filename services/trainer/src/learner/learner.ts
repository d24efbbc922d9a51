import {
  AccuracyWindow,
  batchPass,
  cloneState,
  initialState,
  optimizerStepInPlace,
  predictLabel,
  type Batch,
  type OptimizerConfig,
  type TrainingState,
} from '@sonar/model';
import { THETA_LENGTH } from '@sonar/contracts';
import type { Checkpoint } from '@sonar/store';
import { DedupWindow } from './dedup-window.ts';
import { RowBuffer } from './row-buffer.ts';

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
}

/** Where a checkpoint left off; undefined for a model that has none yet. */
export interface LearnerStart {
  state: TrainingState;
  version: number;
  samples: number;
  batches: number;
  cost: number;
}

export type BatchOutcome =
  | { kind: 'applied'; size: number; cost: number; accuracy: number; seconds: number }
  | { kind: 'gated'; size: number; cost: number; reason: 'cost_limit' | 'non_finite'; message: string };

/**
 * What a checkpoint of this learner holds, taken at one moment (training may go on
 * while it is written), with the learner's change count at that moment.
 */
export type LearnerSnapshot = Pick<Checkpoint, 'version' | 'state' | 'cost' | 'accuracy' | 'samples' | 'batches' | 'offsets'> & { readonly changes: number };

/**
 * The model being trained, free of I/O: readings go into a buffer, full
 * mini-batches come out as optimizer steps. Each batch is first scored with the
 * current theta (test-then-train), then applied unless the health gate refuses it.
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
  /** Labeled, non-holdout readings waiting for a full mini-batch. */
  private readonly rows: RowBuffer;
  /** Partition → offset after the last record consumed (trained, skipped or rejected). */
  private readonly positions: Map<number, number>;
  /** Partition → where the reading ids before its start position are read from, to rebuild the dedup window. */
  private readonly warmups: Map<number, number>;
  private readonly windows = new Map<number, DedupWindow>();

  /**
   * `positions`: partition → offset of the next record to learn from, where this learner
   * starts; `warmups`: partition → the offset its reading ids are remembered from (before it).
   */
  constructor(
    private readonly settings: LearnerSettings,
    start?: LearnerStart,
    positions: ReadonlyMap<number, number> = new Map(),
    warmups: ReadonlyMap<number, number> = new Map(),
  ) {
    this.warmups = new Map(warmups);
    this.state = start ? start.state : initialState(settings.optimizer, THETA_LENGTH);
    this.versionNow = start?.version ?? 0;
    this.samplesNow = start?.samples ?? 0;
    this.batchesNow = start?.batches ?? 0;
    this.savedBatches = this.batchesNow;
    // A fresh model has theta = 0, whose cost is ln 2 on any data.
    this.costNow = start?.cost ?? Math.LN2;
    this.positions = new Map(positions);
    this.accuracy = new AccuracyWindow(settings.accuracyWindow);
    this.probabilities = new Float64Array(settings.batchSize);
    this.rows = new RowBuffer(THETA_LENGTH, Math.max(1024, 4 * settings.batchSize));
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
    return this.rows.length;
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
    if (offset + 1 > this.position(partition)) {
      this.positions.set(partition, offset + 1);
      this.changes += 1;
    }
  }

  /** The offset of the next record to consume from a partition (records below it were seen). */
  position(partition: number): number {
    return this.positions.get(partition) ?? 0;
  }

  /** Where the records of a partition are read from: its position, or before it while its dedup window is rebuilt. */
  readFrom(partition: number): number {
    return Math.min(this.warmups.get(partition) ?? Number.POSITIVE_INFINITY, this.position(partition));
  }

  /** A reading id before the partition's start position, read to rebuild its dedup window. */
  rememberId(partition: number, offset: number, id: string): void {
    if (this.settings.dedupWindow > 0) this.window(partition).remember(id, offset);
  }

  /** True when the reading id was seen within the window (a client's retry): it is not trained on again. */
  isRetry(partition: number, offset: number, id: string): boolean {
    if (this.settings.dedupWindow === 0) return false;
    this.warmups.delete(partition);
    return this.window(partition).seen(id, offset);
  }

  private window(partition: number): DedupWindow {
    let window = this.windows.get(partition);
    if (!window) this.windows.set(partition, (window = new DedupWindow(this.settings.dedupWindow)));
    return window;
  }

  /** Where a reading's 60 features go: decode into `matrix` from `at`, then keep() it, or not. */
  nextRow(): { matrix: Float64Array; at: number } {
    return this.rows.nextRow();
  }

  /** The reading just decoded into nextRow() is one to learn: 1 = rock, 0 = mine. */
  keep(y: 0 | 1, partition: number, offset: number, arrivedAt: number): void {
    this.rows.keep(y, partition, offset, arrivedAt);
  }

  /** Applies every full mini-batch; with a max wait, also a partial one whose oldest reading waited long enough. */
  drain(now: number): BatchOutcome[] {
    const outcomes: BatchOutcome[] = [];
    const size = this.settings.batchSize;
    while (this.buffered >= size) outcomes.push(this.step(size));
    const oldest = this.rows.oldestArrival();
    if (this.settings.maxWaitMs > 0 && oldest !== undefined && now - oldest >= this.settings.maxWaitMs) {
      outcomes.push(this.step(this.buffered));
    }
    return outcomes;
  }

  /**
   * Partition → offset of the next record to read for a resumed run to see
   * exactly what this one would have: the first buffered (not yet applied)
   * reading of the partition, else the position after everything consumed.
   */
  offsets(): Record<string, string> {
    const next = new Map(this.positions);
    for (const [partition, offset] of this.rows.firstOffsets()) next.set(partition, offset);
    return Object.fromEntries([...next].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), String(o)]));
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
      offsets: this.offsets(),
      changes: this.changes,
    };
  }

  /** A checkpoint of this snapshot was accepted: what it holds is saved, what came after it is not. */
  saved(snapshot: LearnerSnapshot): void {
    this.versionNow = Math.max(this.versionNow, snapshot.version);
    this.savedChanges = snapshot.changes;
    this.savedBatches = snapshot.batches;
  }

  private step(size: number): BatchOutcome {
    const started = performance.now();
    const batch = this.rows.peek(size);
    this.changes += 1;
    const outcome = this.learn(batch, size, started);
    this.rows.take(size);
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
    return { kind: 'applied', size, cost: batchCost, accuracy, seconds: (performance.now() - started) / 1000 };
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
