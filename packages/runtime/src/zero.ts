import type { Counter } from 'prom-client';

/** Creates a counter's series for every known label value at 0, so dashboards and alerts see them before the first event. */
export function zeroCounter<L extends string>(counter: Counter<L>, label: L, values: readonly string[]): void {
  for (const value of values) counter.inc({ [label]: value } as Partial<Record<L, string>>, 0);
}
