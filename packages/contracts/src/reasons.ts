/**
 * Stable reason codes for rejected readings: the `reason` label of the rejected_total
 * metrics and the `sonar.error.reason` dead-letter header. Never rename one.
 */
export const REJECT_REASONS = {
  empty: 'the value is empty, blank or a tombstone (null)',
  too_large: 'the value is larger than the configured limit',
  not_utf8: 'the value is not valid UTF-8 text',
  invalid_json: 'the value starts like JSON but does not parse',
  not_an_object: 'a JSON reading must be an object',
  missing_features: 'a JSON reading has no "features" array',
  wrong_feature_count: 'a reading needs exactly 60 features',
  not_a_number: 'a feature is not a number',
  non_finite_feature: 'a feature is NaN or infinite (or null, as JSON writes those)',
  invalid_label: 'the label is neither "R" nor "M"',
  invalid_id: 'the id is not a string of 1 to 128 characters',
  invalid_holdout: '"holdout" is not a boolean',
  invalid_ts: '"ts" is not a non-negative number of epoch milliseconds',
  unknown_schema: 'an Avro single-object record (marker C3 01) whose schema fingerprint is not that of the reading schema',
  invalid_avro: 'an Avro record that is not a well-formed datum of the reading schema (truncated, a bad varint, length, union or enum index, boolean, UTF-8, or bytes after the datum)',
  unscorable: 'valid, but the model cannot score it: theta · [1, x] is not a number (features too large)',
  invalid_gradient: 'a gradient record (parallel training) whose values break its rules: wrong length, not finite, n or offsets out of range',
} as const;

/** The reasons a reading can fail decoding for (unscorable comes later, from a model; invalid_gradient is not a reading's). */
export const DECODE_REASON_CODES = (Object.keys(REJECT_REASONS) as RejectReason[]).filter((code) => code !== 'unscorable' && code !== 'invalid_gradient');

export type RejectReason = keyof typeof REJECT_REASONS;

export const REJECT_REASON_CODES = Object.keys(REJECT_REASONS) as RejectReason[];
