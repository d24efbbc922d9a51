import type { Point } from './series.ts';

/**
 * Series sampled at the given round times, for plotting side by side: a round a
 * series missed repeats its previous value (a chart needs a number in every
 * column), and the rounds before every series has started are left out, so the
 * lines share one time axis. A series with no point at all stays empty.
 */
export function alignToRounds(rounds: readonly number[], series: readonly (readonly Point[])[]): { times: number[]; values: number[][] } {
  const filled = series.map((points) => fillForward(rounds, points));
  const started = filled.filter((values) => values.some((v) => v !== undefined));
  const first = Math.max(0, ...started.map((values) => values.findIndex((v) => v !== undefined)));
  return {
    times: rounds.slice(first),
    values: filled.map((values) => (started.includes(values) ? (values.slice(first) as number[]) : [])),
  };
}

function fillForward(rounds: readonly number[], points: readonly Point[]): (number | undefined)[] {
  let next = 0;
  let carried: number | undefined;
  return rounds.map((at) => {
    while (next < points.length && points[next]!.at <= at) carried = points[next++]!.value;
    return carried;
  });
}
