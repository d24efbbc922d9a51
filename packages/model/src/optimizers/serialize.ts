import type { AveragedIterate, TrainingState } from './state.ts';

/**
 * JSON form of a training state. Numbers are written by JSON.stringify, whose
 * shortest round-trip decimal parses back to the same double; the one value
 * JSON loses is -0 (written as 0), so it is spelled as the string "-0".
 */
export type SerializedNumber = number | '-0';

export interface SerializedState {
  version: 1;
  step: number;
  theta: SerializedNumber[];
  velocity: SerializedNumber[] | null;
  m: SerializedNumber[] | null;
  v: SerializedNumber[] | null;
  /** Written only for a state that averages, so other states serialize as before averaging existed. */
  average?: { count: number; theta: SerializedNumber[] };
}

export function stateToJSON(state: TrainingState): SerializedState {
  const json: SerializedState = {
    version: 1,
    step: state.step,
    theta: encodeArray(state.theta),
    velocity: state.velocity && encodeArray(state.velocity),
    m: state.m && encodeArray(state.m),
    v: state.v && encodeArray(state.v),
  };
  if (state.average !== undefined) json.average = { count: state.average.count, theta: encodeArray(state.average.theta) };
  return json;
}

export function serializeState(state: TrainingState): string {
  return JSON.stringify(stateToJSON(state));
}

/** Parses and validates a state written by serializeState; throws an Error naming the first problem. */
export function deserializeState(json: string): TrainingState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`training state is not valid JSON: ${(error as Error).message}`);
  }
  return stateFromJSON(parsed);
}

export function stateFromJSON(value: unknown): TrainingState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('training state must be a JSON object');
  const record = value as Record<string, unknown>;
  if (record['version'] !== 1) throw new Error(`training state: unsupported version ${JSON.stringify(record['version'])}, expected 1`);
  const step = record['step'];
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    throw new Error(`training state: step must be a non-negative integer, got ${JSON.stringify(step)}`);
  }
  const theta = decodeArray(record['theta'], 'theta');
  if (theta === null || theta.length === 0) throw new Error('training state: theta must be a non-empty array');
  const moment = (name: string): Float64Array | null => {
    const decoded = decodeArray(record[name], name);
    if (decoded !== null && decoded.length !== theta.length) {
      throw new Error(`training state: ${name} has length ${decoded.length}, theta has ${theta.length}`);
    }
    return decoded;
  };
  const v = moment('v');
  // Adam divides by √v: a negative second moment can only come from a corrupted file.
  const negative = v?.findIndex((x) => x < 0) ?? -1;
  if (negative >= 0) throw new Error(`training state: v[${negative}] must be >= 0, got ${v?.[negative]}`);
  const state: TrainingState = { theta, step, velocity: moment('velocity'), m: moment('m'), v };
  const average = decodeAverage(record['average'], theta.length, step);
  if (average !== undefined) state.average = average;
  return state;
}

/** Absent (or null) in states written before averaging existed, or without it. */
function decodeAverage(value: unknown, length: number, step: number): AveragedIterate | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('training state: average must be an object or null');
  const record = value as Record<string, unknown>;
  const count = record['count'];
  // Each step adds at most one iterate to the average.
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > step) {
    throw new Error(`training state: average.count must be an integer in [0, step = ${step}], got ${JSON.stringify(count)}`);
  }
  const theta = decodeArray(record['theta'], 'average.theta');
  if (theta === null || theta.length !== length) {
    throw new Error(`training state: average.theta has length ${theta?.length ?? 0}, theta has ${length}`);
  }
  return { theta, count };
}

function encodeArray(values: Float64Array): SerializedNumber[] {
  return Array.from(values, (x) => (Object.is(x, -0) ? '-0' : x));
}

function decodeArray(value: unknown, name: string): Float64Array | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new Error(`training state: ${name} must be an array or null`);
  const out = new Float64Array(value.length);
  for (let j = 0; j < value.length; j++) {
    const item: unknown = value[j];
    if (item === '-0') out[j] = -0;
    else if (typeof item === 'number' && Number.isFinite(item)) out[j] = item;
    else throw new Error(`training state: ${name}[${j}] must be a finite number, got ${JSON.stringify(item)}`);
  }
  return out;
}
