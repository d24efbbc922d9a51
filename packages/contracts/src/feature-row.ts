import { FEATURE_COUNT, type Decoded, type DecodedHeader, type Reading } from './reading.ts';

/**
 * Decoders that write into a caller's array (a row of a mini-batch design matrix)
 * take the 60 slots from `offset`. A row that does not fit is the caller's bug, not
 * bad input, so it throws; no bytes ever make these decoders throw.
 */
export function assertRowFits(target: Float64Array, offset: number): void {
  if (!(Number.isInteger(offset) && offset >= 0 && offset + FEATURE_COUNT <= target.length)) {
    throw new RangeError(`${FEATURE_COUNT} features do not fit at offset ${offset} of a Float64Array of ${target.length}`);
  }
}

/** A rejected record leaves zeros, so no half-written row or NaN reaches a caller that forgets to check. */
export function settleRow(target: Float64Array, offset: number, decoded: DecodedHeader): DecodedHeader {
  if (!decoded.ok) target.fill(0, offset, offset + FEATURE_COUNT);
  return decoded;
}

/** The general path: a reading that owns its features. */
export function withFeatures(decoded: DecodedHeader, features: Float64Array): Decoded<Reading> {
  if (!decoded.ok) return decoded;
  return { ok: true, value: { id: decoded.id, features, label: decoded.label, holdout: decoded.holdout, ts: decoded.ts } };
}

/** A reading decoded on its own array, copied into the row. */
export function copyIntoRow(decoded: Decoded<Reading>, target: Float64Array, offset: number): DecodedHeader {
  if (!decoded.ok) return decoded;
  const { id, features, label, holdout, ts } = decoded.value;
  target.set(features, offset);
  return { ok: true, id, label, holdout, ts };
}
