import { decodeCsvReading, labelValue } from '@sonar/contracts';
import type { LabeledRow } from '@sonar/model';

/**
 * Parses a data set file of the UCI Sonar format, no header: each line 60 numbers,
 * then R or M. A final newline (LF or CRLF) is allowed; an empty line, a malformed
 * one or one without a label throws an Error naming the 1-based line.
 */
export function parseSonarFile(text: string): LabeledRow[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const decoded = decodeCsvReading(line);
    if (!decoded.ok) throw new Error(`sonar csv line ${index + 1}: ${decoded.message} (${decoded.reason})`);
    if (decoded.value.label === undefined) throw new Error(`sonar csv line ${index + 1}: the label (R or M) is missing`);
    return { features: decoded.value.features, label: labelValue(decoded.value.label) };
  });
}
