import asciichart from 'asciichart';
import { PLAIN_LINE_MARKS, plotLines, pointsThatFit } from './chart.ts';
import { formatClock, formatCount, formatFixed, formatPercent, formatRate, formatSeconds, NOT_AVAILABLE } from './format.ts';
import type { Chart, DashboardView, ParallelView, ServiceRow } from './view.ts';

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
  return [
    ...textSection(view, options.width, paint),
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

/** Rows of a frame besides the charts' own (each its height + 1): what a terminal must hold beyond them. */
export function fixedRows(view: DashboardView, width: number): number {
  // The two chart titles and the blank line between the charts.
  return textSection(view, width, (text) => text).length + 3;
}

/** The header, the table of services and the summary lines, down to the blank line above the charts. */
function textSection(view: DashboardView, width: number, paint: Paint): string[] {
  const version = view.version === undefined ? 'none' : String(view.version);
  return [
    paint(`sonar watch — ${formatClock(view.now)} — model version ${version}`, BOLD),
    '',
    ...serviceTable(view.services, width, paint),
    '',
    `dead letters ${formatCount(view.deadLetters)} (${view.parallel ? 'workers + applier + scorer' : 'trainer + scorer'})`,
    `scorer latency p50 ${formatSeconds(view.latency.p50)}, p99 ${formatSeconds(view.latency.p99)} (readings/s and latency: last ${view.windowSeconds} s)`,
    ...(view.parallel ? parallelLines(view.parallel, width) : []),
    ...lifecycleLines(view.lifecycle),
    '',
  ];
}

/** Drifts detected, and the shadow comparison when the scorer has a shadow model. */
function lifecycleLines(l: DashboardView['lifecycle']): string[] {
  const drifts = `drifts detected: trainer ${formatCount(l.drifts.trainer)} (progressive loss), scorer ${formatCount(l.drifts.scorer)} (holdout accuracy)`;
  if (!l.shadow) return [drifts];
  const s = l.shadow;
  return [drifts, `shadow model (version ${formatCount(s.version)}): holdout accuracy ${formatPercent(s.shadow)} vs serving ${formatPercent(s.serving)}, agreement ${formatPercent(s.agreement)}`];
}

/** Parallel mode: the applier's gradients by worker id, their staleness, and the workers' transactions. */
function parallelLines(p: ParallelView, width: number): string[] {
  const head = `gradients ${formatRate(p.gradientsPerSecond)}/s applied`;
  const tail = `, ${formatCount(p.repeats)} repeats skipped`;
  const workers = p.byWorker.map((w) => `${w.worker} ${formatRate(w.perSecond)}`);
  // As many workers as fit: the table above has each worker's own numbers.
  let shown = workers.length;
  const line = (n: number) => `${head}${n > 0 ? ` (${workers.slice(0, n).join(', ')}${n < workers.length ? ', …' : ''})` : ''}${tail}`;
  while (shown > 0 && [...line(shown)].length > width) shown -= 1;
  const s = p.staleness;
  return [
    line(shown),
    `staleness p50 ${formatCount(s.p50)}, p99 ${formatCount(s.p99)}, mean ${formatFixed(s.mean, 1)} versions; transactions ${formatRate(p.transactionsPerSecond)}/s, ${formatCount(p.aborted)} aborted`,
  ];
}

// The ingest service has no model and no consumer group; only gradient workers wait for a model.
const NOT_APPLICABLE: Record<ServiceRow['kind'], (keyof ServiceRow)[]> = {
  ingest: ['version', 'lag', 'waiting'],
  trainer: ['waiting'],
  scorer: ['waiting'],
  worker: [],
};

function serviceTable(rows: readonly ServiceRow[], width: number, paint: Paint): string[] {
  // The waiting column only in parallel mode, when workers are listed.
  const waiting = rows.some((row) => row.kind === 'worker');
  const header = ['service', 'state', 'readings/s', 'model', 'rejected', 'lag', ...(waiting ? ['waiting'] : []), ''];
  const cells = rows.map((row) => {
    const shown = (field: keyof ServiceRow, text: string) => (NOT_APPLICABLE[row.kind].includes(field) ? '-' : row.up ? text : NOT_AVAILABLE);
    return [
      row.service,
      row.up ? 'up' : 'down',
      shown('readingsPerSecond', formatRate(row.readingsPerSecond)),
      shown('version', formatCount(row.version)),
      shown('rejected', formatCount(row.rejected)),
      shown('lag', formatCount(row.lag)),
      ...(waiting ? [shown('waiting', formatPercent(row.waiting))] : []),
      row.up ? '' : (row.error ?? ''),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  // Why a service is down gets what is left of the line: a wrapped row would push a redrawn frame down.
  const room = width - widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  for (const row of cells) row[row.length - 1] = fit(row.at(-1)!, room);
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

/** The text, cut with an ellipsis to at most `room` characters. */
function fit(text: string, room: number): string {
  const chars = [...text];
  if (chars.length <= room) return text;
  return room > 1 ? `${chars.slice(0, room - 1).join('')}…` : '';
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
