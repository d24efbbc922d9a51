import { FEATURE_COUNT } from './matrix.ts';

export interface LabeledRow {
  features: Float64Array;
  /** 1 = rock (R), 0 = mine (M). */
  label: 0 | 1;
}

// A plain decimal: Number() alone would also accept '', ' ', '0x1f' and 'Infinity'.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses the UCI Sonar file: per line 60 numbers then R or M, comma separated,
 * no header. A final newline (LF or CRLF) is allowed; any other empty line,
 * wrong field count, non-numeric value or unknown label throws an Error
 * naming the 1-based line (and column).
 */
export function parseSonarCsv(text: string): LabeledRow[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((raw, index) => parseLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, index + 1));
}

function parseLine(line: string, lineNumber: number): LabeledRow {
  const fields = line.split(',');
  if (fields.length !== FEATURE_COUNT + 1) {
    throw new Error(`sonar csv line ${lineNumber}: expected ${FEATURE_COUNT + 1} fields (60 numbers and R/M), found ${fields.length}`);
  }
  const features = new Float64Array(FEATURE_COUNT);
  for (let j = 0; j < FEATURE_COUNT; j++) {
    const field = fields[j] as string;
    const value = Number(field);
    if (!DECIMAL.test(field) || !Number.isFinite(value)) {
      throw new Error(`sonar csv line ${lineNumber}, column ${j + 1}: ${JSON.stringify(field)} is not a number`);
    }
    features[j] = value;
  }
  const label = fields[FEATURE_COUNT] as string;
  if (label !== 'R' && label !== 'M') {
    throw new Error(`sonar csv line ${lineNumber}, column ${FEATURE_COUNT + 1}: label must be R or M, got ${JSON.stringify(label)}`);
  }
  return { features, label: labelToNumber(label) };
}

/** Rock is the positive class. */
export function labelToNumber(label: 'R' | 'M'): 0 | 1 {
  return label === 'R' ? 1 : 0;
}

export function numberToLabel(value: 0 | 1): 'R' | 'M' {
  return value === 1 ? 'R' : 'M';
}
