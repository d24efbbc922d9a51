import { THETA_LENGTH } from '@sonar/contracts';
import { deserializeState, predictionTheta, serializeState, type TrainingState } from '@sonar/model';

/** One trained model version: what the trainer resumes from and the scorer scores with. */
export interface Checkpoint {
  model: string;
  version: number;
  state: TrainingState;
  /** Progressive (test-then-train) cost of the last batch. */
  cost: number;
  /** Progressive accuracy over the recent window. */
  accuracy: number;
  /** Labeled, non-holdout readings applied. */
  samples: number;
  batches: number;
  topic: string;
  /** Partition → offset of the next record to read. */
  offsets: Record<string, string>;
  updatedAt: number;
  hyperparameters: Record<string, unknown>;
  /** Set when an operator rolled back to that version. */
  rolledBackFrom?: number | undefined;
  /** The fencing epoch of the trainer that wrote it. */
  epoch?: number | undefined;
  /**
   * Parallel mode: readings partition → offset after the last reading in an applied
   * gradient (`offsets` are then the gradient topic's). Workers read it to know which
   * of their gradients the model reflects; the applier, to never apply a range twice.
   */
  sourceOffsets?: Record<string, string> | undefined;
  /** Set when an operator promoted another model's theta to this version (`sonar model promote`). */
  promotedFrom?: Provenance | undefined;
  /** Drifts the trainer detected since the version before (not stored: said once, in the model-update event). */
  drifts?: number | undefined;
}

/** Where a promoted version's theta came from, who promoted it and when. */
export interface Provenance {
  model: string;
  version: number;
  by: string;
  at: number;
}

/** What the scorer needs, read with one HMGET. */
export interface ServingModel {
  version: number;
  theta: Float64Array;
  updatedAt: number;
  /** Parallel mode: which readings its gradients covered (see Checkpoint.sourceOffsets). */
  sourceOffsets?: Record<string, string> | undefined;
  /**
   * With iterate averaging, `theta` is the average (what to score with) and this the last
   * iterate, where workers compute their gradients. Absent without averaging: the same as theta.
   */
  iterate?: Float64Array | undefined;
}

export function toHashFields(checkpoint: Checkpoint): string[] {
  const fields: Record<string, string> = {
    model: checkpoint.model,
    version: String(checkpoint.version),
    // What to score with: the averaged iterate once it averages any (TRAIN_AVERAGE), else theta.
    theta: JSON.stringify(Array.from(predictionTheta(checkpoint.state))),
    iterate: predictionTheta(checkpoint.state) === checkpoint.state.theta ? '' : JSON.stringify(Array.from(checkpoint.state.theta)),
    state: serializeState(checkpoint.state),
    cost: String(checkpoint.cost),
    accuracy: Number.isFinite(checkpoint.accuracy) ? String(checkpoint.accuracy) : '',
    samples: String(checkpoint.samples),
    batches: String(checkpoint.batches),
    topic: checkpoint.topic,
    offsets: JSON.stringify(checkpoint.offsets),
    updatedAt: String(checkpoint.updatedAt),
    hyperparameters: JSON.stringify(checkpoint.hyperparameters),
    rolledBackFrom: checkpoint.rolledBackFrom === undefined ? '' : String(checkpoint.rolledBackFrom),
    epoch: checkpoint.epoch === undefined ? '' : String(checkpoint.epoch),
    sourceOffsets: checkpoint.sourceOffsets === undefined ? '' : JSON.stringify(checkpoint.sourceOffsets),
    promotedFrom: checkpoint.promotedFrom === undefined ? '' : JSON.stringify(checkpoint.promotedFrom),
  };
  return Object.entries(fields).flat();
}

export function fromHash(hash: Record<string, string>): Checkpoint | undefined {
  if (!hash.version || !hash.state) return undefined;
  return {
    model: hash.model ?? '',
    version: Number(hash.version),
    state: deserializeState(hash.state),
    cost: Number(hash.cost),
    accuracy: hash.accuracy ? Number(hash.accuracy) : Number.NaN,
    samples: Number(hash.samples),
    batches: Number(hash.batches ?? 0),
    topic: hash.topic ?? '',
    offsets: JSON.parse(hash.offsets ?? '{}') as Record<string, string>,
    updatedAt: Number(hash.updatedAt),
    hyperparameters: JSON.parse(hash.hyperparameters ?? '{}') as Record<string, unknown>,
    rolledBackFrom: hash.rolledBackFrom ? Number(hash.rolledBackFrom) : undefined,
    epoch: hash.epoch ? Number(hash.epoch) : undefined,
    sourceOffsets: hash.sourceOffsets ? (JSON.parse(hash.sourceOffsets) as Record<string, string>) : undefined,
    promotedFrom: hash.promotedFrom ? (JSON.parse(hash.promotedFrom) as Provenance) : undefined,
  };
}

/** History entries are whole checkpoints, so a rollback restores theta and optimizer state exactly. */
export function toHistoryEntry(checkpoint: Checkpoint): string {
  return JSON.stringify(Object.fromEntries(chunkPairs(toHashFields(checkpoint))));
}

export function fromHistoryEntry(entry: string): Checkpoint | undefined {
  return fromHash(JSON.parse(entry) as Record<string, string>);
}

function chunkPairs(flat: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}

/** A stored checkpoint that cannot be used, and why: never trained from, never served. */
export interface Corrupt {
  version: number | undefined;
  reason: 'unreadable' | 'wrong_theta_length' | 'non_finite_theta';
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; corrupt: Corrupt };

/** A checkpoint hash (or history entry) as the trainer needs it: whole, readable, of the model's width. */
export function validCheckpoint(hash: Record<string, string>): Validated<Checkpoint> | undefined {
  let checkpoint: Checkpoint | undefined;
  try {
    checkpoint = fromHash(hash);
  } catch (error) {
    return corrupt(hash.version, 'unreadable', error instanceof Error ? error.message : String(error));
  }
  if (!checkpoint) return undefined;
  if (!Number.isSafeInteger(checkpoint.version) || checkpoint.version < 1) return corrupt(hash.version, 'unreadable', `version is ${JSON.stringify(hash.version)}`);
  if (checkpoint.state.theta.length !== THETA_LENGTH) return corrupt(hash.version, 'wrong_theta_length', `theta has ${checkpoint.state.theta.length} coefficients, not ${THETA_LENGTH}`);
  return { ok: true, value: checkpoint };
}

/** The stored fields a model is served from (one HMGET); null where a field is absent. */
export interface ServingFields {
  version: string;
  theta: string;
  updatedAt: string | null;
  sourceOffsets?: string | null;
  iterate?: string | null;
}

/** The contract's `theta` field as the scorer needs it: THETA_LENGTH finite numbers (and `iterate` likewise, when there). */
export function validServingModel(fields: ServingFields): Validated<ServingModel> {
  const { version, sourceOffsets, iterate } = fields;
  const theta = coefficients(version, 'theta', fields.theta);
  if (!theta.ok) return theta;
  const number = Number(version);
  if (!Number.isSafeInteger(number) || number < 1) return corrupt(version, 'unreadable', `version is ${JSON.stringify(version)}`);
  const model: ServingModel = { version: number, theta: theta.value, updatedAt: Number(fields.updatedAt) };
  if (iterate) {
    const last = coefficients(version, 'iterate', iterate);
    if (!last.ok) return last;
    model.iterate = last.value;
  }
  if (sourceOffsets) {
    try {
      model.sourceOffsets = JSON.parse(sourceOffsets) as Record<string, string>;
    } catch (error) {
      return corrupt(version, 'unreadable', `sourceOffsets is not JSON: ${(error as Error).message}`);
    }
  }
  return { ok: true, value: model };
}

function coefficients(version: string, name: string, text: string): Validated<Float64Array> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return corrupt(version, 'unreadable', `${name} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length !== THETA_LENGTH) return corrupt(version, 'wrong_theta_length', `${name} must be an array of ${THETA_LENGTH} numbers`);
  if (!parsed.every((x) => typeof x === 'number' && Number.isFinite(x))) return corrupt(version, 'non_finite_theta', `${name} holds a value that is not a finite number`);
  return { ok: true, value: Float64Array.from(parsed as number[]) };
}

function corrupt(version: string | undefined, reason: Corrupt['reason'], message: string): { ok: false; corrupt: Corrupt } {
  const number = Number(version);
  return { ok: false, corrupt: { version: Number.isSafeInteger(number) ? number : undefined, reason, message } };
}
