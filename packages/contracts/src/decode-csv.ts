import { FEATURE_COUNT, reject, type Decoded, type Reading } from './reading.ts';

const NON_FINITE_TEXT = /^[+-]?(?:nan|inf|infinity)$/i;

/** One line of the UCI file: 60 numbers, optionally followed by R or M. */
export function decodeCsvReading(line: string): Decoded<Reading> {
  const fields = line.split(',');
  let label: Reading['label'];
  let count = fields.length;
  // A 61st field is the label; anything else there is a bad label, not a 61st feature.
  if (count === FEATURE_COUNT + 1) {
    const last = fields[FEATURE_COUNT]!.trim();
    if (last !== 'R' && last !== 'M') return reject('invalid_label', `label must be R or M, got ${JSON.stringify(last.slice(0, 20))}`);
    label = last;
    count -= 1;
  }
  if (count !== FEATURE_COUNT) return reject('wrong_feature_count', `expected ${FEATURE_COUNT} features, got ${count}`);
  const features = new Float64Array(FEATURE_COUNT);
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const field = fields[i]!;
    const value = Number(field);
    if (Number.isFinite(value)) {
      // Number('') and Number(' ') are 0: an empty field is a missing number, not zero.
      if (value === 0 && field.trim().length === 0) return reject('not_a_number', `feature ${i} is empty`);
      features[i] = value;
    } else if (value === Infinity || value === -Infinity || NON_FINITE_TEXT.test(field.trim())) {
      return reject('non_finite_feature', `feature ${i} is ${field.trim()}`);
    } else {
      return reject('not_a_number', `feature ${i} is not a number: ${JSON.stringify(field.slice(0, 20))}`);
    }
  }
  return { ok: true, value: { id: undefined, features, label, holdout: false, ts: undefined } };
}
