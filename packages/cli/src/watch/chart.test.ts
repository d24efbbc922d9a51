import { describe, expect, it } from 'vitest';
import { plotLines } from './chart.ts';

const options = { width: 40, height: 4, format: (x: number) => x.toFixed(2) };

describe('plotLines', () => {
  it('is undefined with fewer than two points to draw', () => {
    expect(plotLines([], options)).toBeUndefined();
    expect(plotLines([[0.5], []], options)).toBeUndefined();
  });

  it('labels a flat line with its value, not a rounded integer', () => {
    const plot = plotLines([[0.42, 0.42, 0.42]], options)!;
    expect(plot).toContain('0.42');
    expect(plot).not.toMatch(/NaN|undefined/);
  });

  it('keeps a flat line inside its bounds', () => {
    const plot = plotLines([[1, 1, 1]], { ...options, bounds: { min: 0, max: 1 } })!;
    expect(plot.split('\n')[0]).toContain('1.00');
    expect(plot).not.toContain('1.01');
  });

  it('draws the second line dotted when there are no colors, over the same axis', () => {
    const plot = plotLines([[0, 0.2, 0.1, 0], [1, 0.9, 1, 0.8]], options)!;
    expect(plot).toContain('·');
    expect(plot).toContain('─');
    expect(plot).not.toContain('\x1b[');
    expect(plot.split('\n')).toHaveLength(options.height + 1);
  });

  it('draws only the last points that fit the width', () => {
    const plot = plotLines([Array.from({ length: 500 }, (_, i) => Math.sin(i / 10))], options)!;
    expect(Math.max(...plot.split('\n').map((line) => [...line].length))).toBeLessThanOrEqual(options.width);
  });
});
