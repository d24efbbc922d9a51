import { FEATURE_COUNT, reject, type Decoded, type Reading } from './reading.ts';

const NON_FINITE_TEXT = /^[+-]?(?:nan|inf|infinity)$/i;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * One line of the UCI file: 60 numbers, optionally followed by R or M. The one parser
 * of that format: records on Kafka, HTTP bodies and the data set file all go through it.
 */
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
    const field = fields[i]!.trim();
    // A plain decimal only: Number() alone would also take '' and ' ' as 0, and '0x1f' as 31.
    if (DECIMAL.test(field)) {
      const value = Number(field);
      if (!Number.isFinite(value)) return reject('non_finite_feature', `feature ${i} is out of range (${field.slice(0, 20)})`);
      features[i] = value;
    } else if (NON_FINITE_TEXT.test(field)) {
      return reject('non_finite_feature', `feature ${i} is ${field}`);
    } else {
      return reject('not_a_number', field.length === 0 ? `feature ${i} is empty` : `feature ${i} is not a number: ${JSON.stringify(field.slice(0, 20))}`);
    }
  }
  return { ok: true, value: { id: undefined, features, label, holdout: false, ts: undefined } };
}
