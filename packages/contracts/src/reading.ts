import type { RejectReason } from './reasons.ts';

/** Band energies per sonar reading. */
export const FEATURE_COUNT = 60;
/** Coefficients of the model: a bias, then one weight per feature. */
export const THETA_LENGTH = FEATURE_COUNT + 1;

export type Label = 'R' | 'M';

/** Rock is the positive class: R is 1, M is 0. */
export function labelValue(label: Label): 0 | 1 {
  return label === 'R' ? 1 : 0;
}

export function labelOf(value: 0 | 1): Label {
  return value === 1 ? 'R' : 'M';
}

/** A sonar reading as the services see it, whichever wire format it came in. */
export interface Reading {
  id: string | undefined;
  features: Float64Array;
  label: Label | undefined;
  holdout: boolean;
  /** Epoch milliseconds of the measurement, when the reading said. */
  ts: number | undefined;
}

export type Rejection = { ok: false; reason: RejectReason; message: string };

export type Decoded<T> = { ok: true; value: T } | Rejection;

/** A reading's fields but its features: what decoding into a caller's Float64Array returns. */
export type ReadingHeader = Omit<Reading, 'features'>;

export type DecodedHeader = ({ ok: true } & ReadingHeader) | Rejection;

export const DEFAULT_MAX_READING_BYTES = 64 * 1024;
export const MAX_ID_LENGTH = 128;

export const reject = (reason: RejectReason, message: string): Rejection => ({ ok: false, reason, message });

export function isLabel(value: unknown): value is Label {
  return value === 'R' || value === 'M';
}

/** The label spelled by this one byte (R or M in ASCII), for decoders that read bytes. */
export function labelOfByte(byte: number): Label | undefined {
  return byte === 0x52 ? 'R' : byte === 0x4d ? 'M' : undefined;
}

export function validId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}
