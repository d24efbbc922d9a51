/**
 * Apache Avro for Python (Debian's python3-avro), a second implementation to test the
 * Avro reading codec against, through avro_interop.py. A missing Python or library
 * throws with how to install it: these checks are the point of writing single-object
 * encoding by the specification, so they never pass by being skipped.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Reading } from '../src/reading.ts';
import { pythonWith } from './python.ts';

const HELPER = fileURLToPath(new URL('./avro_interop.py', import.meta.url));
const SCHEMA = fileURLToPath(new URL('../schemas/reading.avsc', import.meta.url));
/** The published event schema, for a request's `schema` (the reading schema is the default). */
export const CLASSIFIED_SCHEMA = fileURLToPath(new URL('../schemas/classified.avsc', import.meta.url));

/** A reading as the helper takes and gives it: each feature the hex of its little-endian bits, so every double crosses exactly. */
export interface WireReading {
  id: string | null;
  features: string[];
  label: 'R' | 'M' | null;
  holdout: boolean;
  ts: number | null;
}

const INSTALL: Record<string, string> = {
  'avro.io': 'apt install python3-avro, or pip install avro',
  confluent_kafka: 'apt install python3-confluent-kafka, or pip install confluent-kafka',
};

/** A Python that imports the modules, or an error that says how to install them. */
function pythonFor(modules: readonly string[]): string {
  const found = pythonWith(modules);
  if (found === undefined) throw new Error(`this test needs python3 with ${modules.join(' and ')}: ${modules.map((m) => INSTALL[m] ?? `pip install ${m}`).join('; ')}`);
  return found;
}

/** One request to avro_interop.py (its docstring lists them), answered as JSON; `produce` needs confluent_kafka too. */
export function askAvroPython<T>(request: { op: string } & Record<string, unknown>): T {
  const python = pythonFor(request.op === 'produce' ? ['avro.io', 'confluent_kafka'] : ['avro.io']);
  const run = spawnSync(python, [HELPER], { input: JSON.stringify({ schema: SCHEMA, ...request }), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${HELPER} ${request.op} failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

const hexOfDouble = (x: number) => Buffer.from(Float64Array.of(x).buffer).toString('hex');
const doubleOfHex = (hex: string) => Buffer.from(hex, 'hex').readDoubleLE(0);

/** Any reading-like value: a decoded Reading, or a planned one of `sonar produce`. */
export const toWire = (r: { id?: string; features: ArrayLike<number>; label?: 'R' | 'M'; holdout: boolean; ts?: number }): WireReading => ({
  id: r.id ?? null,
  features: Array.from(r.features, hexOfDouble),
  label: r.label ?? null,
  holdout: r.holdout,
  ts: r.ts ?? null,
});

export const fromWire = (w: WireReading): Reading => ({
  id: w.id ?? undefined,
  features: Float64Array.from(w.features, doubleOfHex),
  label: w.label ?? undefined,
  holdout: w.holdout,
  ts: w.ts ?? undefined,
});

/** A reading with its features as bit patterns, for toEqual to compare them exactly (-0 and NaN included). */
export const comparable = (r: Reading) => ({ ...r, features: Array.from(r.features, hexOfDouble) });
