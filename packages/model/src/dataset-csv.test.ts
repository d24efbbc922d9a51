import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labelToNumber, numberToLabel, parseSonarCsv } from './dataset-csv.ts';

const text = readFileSync(new URL('../../dataset/data/sonar.csv', import.meta.url), 'utf8');
const line = (values: string[], label: string) => [...values, label].join(',');
const sixty = (value = '0.5') => Array<string>(60).fill(value);

describe('parseSonarCsv', () => {
  it('reads the 208 Sonar rows: 97 rocks then 111 mines', () => {
    const rows = parseSonarCsv(text);
    expect(rows).toHaveLength(208);
    expect(rows.filter((r) => r.label === 1)).toHaveLength(97);
    expect(rows.slice(0, 97).every((r) => r.label === 1)).toBe(true);
    expect(rows[0]!.features[0]).toBe(0.02);
    expect(rows[0]!.features[59]).toBe(0.0032);
    expect(rows.every((r) => r.features.length === 60 && r.features.every((v) => v >= 0 && v <= 1))).toBe(true);
  });

  it('accepts CRLF line endings and a missing final newline', () => {
    const body = [line(sixty(), 'R'), line(sixty('1'), 'M')];
    expect(parseSonarCsv(body.join('\r\n') + '\r\n')).toEqual(parseSonarCsv(body.join('\n')));
  });

  it.each([
    [[line(sixty(), 'R'), ''].join('\n') + '\n', /line 2: expected 61 fields/],
    [line(sixty().slice(1), 'R'), /line 1: expected 61 fields .* found 60/],
    [[line(sixty(), 'M'), line(['abc', ...sixty().slice(1)], 'R')].join('\n'), /line 2, column 1: "abc" is not a number/],
    [line([...sixty().slice(0, 59), ''], 'R'), /line 1, column 60: "" is not a number/],
    [line([...sixty().slice(0, 59), 'Infinity'], 'R'), /column 60: "Infinity" is not a number/],
    [line(sixty(), 'X'), /line 1, column 61: label must be R or M, got "X"/],
    [line(sixty(), ' R'), /label must be R or M/],
  ])('rejects bad input %#', (input, message) => {
    expect(() => parseSonarCsv(input)).toThrow(message);
  });

  it('returns no rows for empty text', () => {
    expect(parseSonarCsv('')).toEqual([]);
  });
});

describe('labels', () => {
  it('maps R to 1 and M to 0, and back', () => {
    expect(labelToNumber('R')).toBe(1);
    expect(labelToNumber('M')).toBe(0);
    expect(numberToLabel(1)).toBe('R');
    expect(numberToLabel(0)).toBe('M');
  });
});
