import { FEATURE_COUNT, MAX_ID_LENGTH, isLabel, reject, validId, type Decoded, type Reading } from './reading.ts';

// Python's json module writes NaN and Infinity as bare tokens, which JSON.parse refuses.
const NON_FINITE_TOKEN = /[:,[]\s*-?(?:NaN|Infinity)\s*[,\]}]/;

export function decodeJsonReading(text: string): Decoded<Reading> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return jsonParseFailure(text, error);
  }
  return readingFromJson(parsed);
}

export function jsonParseFailure(text: string, error: unknown): Decoded<never> {
  if (NON_FINITE_TOKEN.test(text)) return reject('non_finite_feature', 'the JSON has a NaN or Infinity token');
  return reject('invalid_json', `invalid JSON: ${(error as Error).message}`);
}

/** Validates an already parsed JSON value as a reading. */
export function readingFromJson(parsed: unknown): Decoded<Reading> {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject('not_an_object', 'a JSON reading must be an object with a "features" array');
  }
  // Unknown fields are ignored, so producers can add their own.
  const { id, features, label, holdout, ts } = parsed as Record<string, unknown>;
  if (!Array.isArray(features)) return reject('missing_features', 'the reading has no "features" array');
  if (features.length !== FEATURE_COUNT) {
    return reject('wrong_feature_count', `expected ${FEATURE_COUNT} features, got ${features.length}`);
  }
  const values = new Float64Array(FEATURE_COUNT);
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const feature: unknown = features[i];
    if (typeof feature !== 'number') {
      return feature === null
        ? reject('non_finite_feature', `feature ${i} is null (JSON writes NaN and Infinity as null)`)
        : reject('not_a_number', `feature ${i} is ${typeof feature}, not a number`);
    }
    if (!Number.isFinite(feature)) return reject('non_finite_feature', `feature ${i} is out of range (${feature})`);
    values[i] = feature;
  }
  if (label !== undefined && label !== null && !isLabel(label)) {
    return reject('invalid_label', `label must be "R" or "M", got ${JSON.stringify(label)}`);
  }
  if (holdout !== undefined && holdout !== null && typeof holdout !== 'boolean') {
    return reject('invalid_holdout', `holdout must be true or false, got ${JSON.stringify(holdout)}`);
  }
  if (id !== undefined && id !== null && !validId(id)) {
    return reject('invalid_id', `id must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  if (ts !== undefined && ts !== null && !(typeof ts === 'number' && Number.isFinite(ts) && ts >= 0)) {
    return reject('invalid_ts', `ts must be epoch milliseconds, got ${JSON.stringify(ts)}`);
  }
  return {
    ok: true,
    value: {
      id: (id as string | null | undefined) ?? undefined,
      features: values,
      label: (label as Reading['label'] | null) ?? undefined,
      holdout: holdout === true,
      ts: (ts as number | null | undefined) ?? undefined,
    },
  };
}
