import { describe, expect, it } from 'vitest';
import { loadSonar, sonarLines } from './load.ts';

describe('the shipped UCI Sonar data set', () => {
  const rows = loadSonar();

  it('has 208 rows of 60 features: 97 rocks (1) then 111 mines (0)', () => {
    expect(rows).toHaveLength(208);
    expect(rows.every((row) => row.features.length === 60)).toBe(true);
    expect(rows.filter((row) => row.label === 1)).toHaveLength(97);
    expect(rows.slice(0, 97).every((row) => row.label === 1)).toBe(true);
    expect(rows.slice(97).every((row) => row.label === 0)).toBe(true);
  });

  it('keeps every value in [0, 1] exactly as written', () => {
    const lines = sonarLines();
    expect(lines).toHaveLength(208);
    rows.forEach((row, i) => {
      const written = lines[i]!.split(',').slice(0, 60).map(Number);
      expect(Array.from(row.features)).toEqual(written);
    });
    expect(rows.every((row) => row.features.every((v) => v >= 0 && v <= 1))).toBe(true);
  });
});
