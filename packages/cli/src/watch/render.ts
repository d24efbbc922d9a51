import asciichart from 'asciichart';
import { PLAIN_LINE_MARKS, plotLines, pointsThatFit } from './chart.ts';
import { formatClock, formatCount, formatFixed, formatPercent, formatRate, formatSeconds, NOT_AVAILABLE } from './format.ts';
import type { Chart, DashboardView, ServiceRow } from './view.ts';

export interface RenderOptions {
  /** ANSI colors (a terminal); plain text otherwise. */
  color: boolean;
  /** Columns available. */
  width: number;
  /** Rows of each chart. */
  chartHeight: number;
}

type Paint = (text: string, color: string) => string;

const COST_COLOR = asciichart.yellow;
const ACCURACY_COLORS = [asciichart.green, asciichart.cyan];
const BOLD = '\x1b[1m';

/** One frame of the dashboard as text: a pure function of the view, so tests can read it. */
export function renderFrame(view: DashboardView, options: RenderOptions): string {
  const paint: Paint = options.color ? (text, color) => `${color}${text}${asciichart.reset}` : (text) => text;
  const version = view.version === undefined ? 'none' : String(view.version);
  return [
    paint(`sonar watch — ${formatClock(view.now)} — model version ${version}`, BOLD),
    '',
    ...serviceTable(view.services, paint),
    '',
    `dead letters ${formatCount(view.deadLetters)} (trainer + scorer)`,
    `scorer latency p50 ${formatSeconds(view.latency.p50)}, p99 ${formatSeconds(view.latency.p99)} (readings/s and latency: last ${view.windowSeconds} s)`,
    '',
    ...chartSection('cost', view.cost, options, paint, {
      colors: [COST_COLOR],
      format: (x) => x.toFixed(4),
      legend: (value) => formatFixed(value, 4),
    }),
    '',
    ...chartSection('accuracy', view.accuracy, options, paint, {
      colors: ACCURACY_COLORS,
      format: (x) => `${(x * 100).toFixed(1)}%`,
      legend: formatPercent,
      bounds: { min: 0, max: 1 },
    }),
  ].join('\n');
}

// The ingest service has no model and no consumer group.
const NOT_APPLICABLE: Partial<Record<ServiceRow['service'], (keyof ServiceRow)[]>> = { ingest: ['version', 'lag'] };

function serviceTable(rows: readonly ServiceRow[], paint: Paint): string[] {
  const header = ['service', 'state', 'readings/s', 'model', 'rejected', 'lag', ''];
  const cells = rows.map((row) => {
    const shown = (field: keyof ServiceRow, text: string) => (NOT_APPLICABLE[row.service]?.includes(field) ? '-' : row.up ? text : NOT_AVAILABLE);
    return [
      row.service,
      row.up ? 'up' : 'down',
      shown('readingsPerSecond', formatRate(row.readingsPerSecond)),
      shown('version', formatCount(row.version)),
      shown('rejected', formatCount(row.rejected)),
      shown('lag', formatCount(row.lag)),
      row.up ? '' : (row.error ?? ''),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  // Names and states read left to right; numbers line up on their last digit.
  const pad = (text: string, i: number) => (i < 2 || i === header.length - 1 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!));
  return [header, ...cells].map((row, r) =>
    row
      .map((text, i) => {
        const padded = pad(text, i);
        return r > 0 && i === 1 ? paint(padded, text === 'up' ? asciichart.green : asciichart.red) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

interface ChartStyle {
  colors: string[];
  format: (value: number) => string;
  legend: (value: number | undefined) => string;
  bounds?: { min: number; max: number };
}

function chartSection(title: string, chart: Chart, options: RenderOptions, paint: Paint, style: ChartStyle): string[] {
  const shown = chart.times.slice(-pointsThatFit(options.width));
  const span = shown.length > 1 ? `, last ${Math.round((shown.at(-1)! - shown[0]!) / 1000)} s` : '';
  const legend = chart.lines
    .map((line, i) => {
      const text = `${line.name} ${style.legend(line.values.at(-1))}`;
      const mark = options.color ? paint('──', style.colors[i % style.colors.length]!) : PLAIN_LINE_MARKS[i % PLAIN_LINE_MARKS.length]!;
      return `${mark} ${text}`;
    })
    .join('   ');
  const plot = plotLines(
    chart.lines.map((line) => line.values),
    { width: options.width, height: options.chartHeight, format: style.format, bounds: style.bounds, colors: options.color ? style.colors : undefined },
  );
  return [`${title}${span}: ${legend}`, plot ?? '  (waiting for data)'];
}
