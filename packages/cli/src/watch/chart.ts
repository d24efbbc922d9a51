import asciichart, { type PlotConfig } from 'asciichart';

export interface PlotOptions {
  /** Columns for the whole chart, axis labels included. */
  width: number;
  height: number;
  format: (value: number) => string;
  /** ANSI colors of the lines, in order; none for plain output. */
  colors?: string[];
  /** Where values cannot go (accuracy stays within [0, 1]): keeps a flat line's axis sensible. */
  bounds?: { min: number; max: number };
}

const LABEL_WIDTH = 8;

/** How many points fit beside the axis labels in `width` columns. */
export const pointsThatFit = (width: number) => Math.max(2, width - LABEL_WIDTH - 3);

/**
 * Lines of equal length (empty ones skipped) as an asciichart plot, or undefined
 * when there are fewer than two points to draw. asciichart cannot draw NaN and
 * labels a flat line with a rounded integer, so both are handled here.
 */
export function plotLines(lines: readonly (readonly number[])[], options: PlotOptions): string | undefined {
  const columns = pointsThatFit(options.width);
  const drawn = lines.map((values) => values.slice(-columns));
  const drawable = drawn.map((values) => values.length >= 2 && values.every(Number.isFinite));
  const visible = drawn.filter((_, i) => drawable[i]);
  if (visible.length === 0) return undefined;
  const all = visible.flat();
  // The same bounds for every line, so that separately drawn plots overlay exactly.
  const range = { min: Math.min(...all), max: Math.max(...all), ...flatRange(Math.min(...all), Math.max(...all), options.bounds) };
  const config = { height: options.height, format: (x: number) => options.format(x).padStart(LABEL_WIDTH), ...range };
  if (options.colors) return asciichart.plot(visible, { ...config, colors: options.colors.filter((_, i) => drawable[i]) });
  // Without colors, lines tell apart by their strokes: each drawn on its own, then laid over the first.
  const styles = drawn.map((_, i) => LINE_SYMBOLS[i % LINE_SYMBOLS.length]!).filter((_, i) => drawable[i]);
  return overlay(visible.map((values, i) => asciichart.plot(values, { ...config, symbols: styles[i] })));
}

type Symbols = NonNullable<PlotConfig['symbols']>;

/** Strokes of the lines in plain text, in order: solid, then dotted. */
const LINE_SYMBOLS: Symbols[] = [
  ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'],
  ['┼', '┤', '·', '·', '·', '·', '·', '·', '·', ':'],
];

/** How each line looks in a legend without colors. */
export const PLAIN_LINE_MARKS = ['──', '··'];

/** Plots of the same size merged: where an earlier one has a blank, a later one shows through. */
function overlay(plots: string[]): string {
  const grids = plots.map((plot) => plot.split('\n').map((row) => [...row]));
  const [base, ...rest] = grids;
  for (const grid of rest) {
    grid.forEach((row, r) =>
      row.forEach((char, c) => {
        if (base![r]?.[c] === ' ' && char !== ' ') base![r]![c] = char;
      }),
    );
  }
  return base!.map((row) => row.join('')).join('\n');
}

function flatRange(min: number, max: number, bounds?: { min: number; max: number }): { min?: number; max?: number } {
  if (max - min > 1e-12) return {};
  const half = Math.max(Math.abs(min) * 0.05, 0.005);
  let low = min - half;
  let high = max + half;
  if (bounds && high > bounds.max) [low, high] = [bounds.max - 2 * half, bounds.max];
  if (bounds && low < bounds.min) [low, high] = [bounds.min, bounds.min + 2 * half];
  return { min: low, max: high };
}
