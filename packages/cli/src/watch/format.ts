/** Text for a number that may be missing: "n/a", never "NaN" or "undefined". */
export const NOT_AVAILABLE = 'n/a';

export function formatCount(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? NOT_AVAILABLE : String(Math.round(value));
}

export function formatFixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? NOT_AVAILABLE : value.toFixed(digits);
}

/** Readings per second: one decimal while small, so a trickle does not read as 0. */
export function formatRate(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return NOT_AVAILABLE;
  return value < 100 ? value.toFixed(1) : String(Math.round(value));
}

export function formatPercent(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? NOT_AVAILABLE : `${(value * 100).toFixed(1)}%`;
}

export function formatSeconds(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return NOT_AVAILABLE;
  if (value < 0.01) return `${(value * 1000).toFixed(1)} ms`;
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  return `${value.toFixed(2)} s`;
}

/** Local wall-clock time, HH:MM:SS. */
export function formatClock(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
