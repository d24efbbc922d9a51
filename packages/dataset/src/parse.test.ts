import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labelOf, labelValue } from '@sonar/contracts';
import { parseSonarFile } from './parse.ts';
import { SONAR_CSV_PATH } from './load.ts';

const parseSonarCsv = parseSonarFile;
const text = readFileSync(SONAR_CSV_PATH, 'utf8');
const line = (values: string[], label: string) => [...values, label].join(',');
const sixty = (value = '0.5') => Array<string>(60).fill(value);

describe('parseSonarFile', () => {
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
    [[line(sixty(), 'R'), ''].join('\n') + '\n', /line 2: expected 60 features, got 1 \(wrong_feature_count\)/],
    [line(sixty().slice(2), 'R'), /line 1: expected 60 features, got 59/],
    // 60 fields are 60 features: the label takes the place of the last one.
    [line(sixty().slice(1), 'R'), /line 1: feature 59 is not a number: "R"/],
    [[line(sixty(), 'M'), line(['abc', ...sixty().slice(1)], 'R')].join('\n'), /line 2: feature 0 is not a number: "abc"/],
    [line([...sixty().slice(0, 59), ''], 'R'), /line 1: feature 59 is empty \(not_a_number\)/],
    [line([...sixty().slice(0, 59), 'Infinity'], 'R'), /line 1: feature 59 is Infinity \(non_finite_feature\)/],
    [line([...sixty().slice(0, 59), '0x1f'], 'R'), /feature 59 is not a number: "0x1f"/],
    [line(sixty(), 'X'), /line 1: label must be R or M, got "X" \(invalid_label\)/],
    [sixty().join(','), /line 1: the label \(R or M\) is missing/],
  ])('rejects bad input %#', (input, message) => {
    expect(() => parseSonarCsv(input)).toThrow(message);
  });

  it('returns no rows for empty text', () => {
    expect(parseSonarCsv('')).toEqual([]);
  });
});

describe('labels', () => {
  it('maps R to 1 and M to 0, and back', () => {
    expect(labelValue('R')).toBe(1);
    expect(labelValue('M')).toBe(0);
    expect(labelOf(1)).toBe('R');
    expect(labelOf(0)).toBe('M');
  });
});
