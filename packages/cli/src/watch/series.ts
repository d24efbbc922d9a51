export interface Point {
  /** Milliseconds on a monotonic clock: only differences matter. */
  at: number;
  value: number;
}

/** Increase of a counter over a time span. */
export interface Increase {
  increase: number;
  seconds: number;
}

/**
 * The last `capacity` points of each series, by key: enough history for the
 * charts and the rate window, and memory that stays flat however long it runs.
 */
export class SeriesStore {
  private readonly series = new Map<string, Point[]>();

  constructor(readonly capacity: number) {}

  push(key: string, at: number, value: number): void {
    let points = this.series.get(key);
    if (!points) this.series.set(key, (points = []));
    points.push({ at, value });
    if (points.length > this.capacity) points.splice(0, points.length - this.capacity);
  }

  points(key: string): readonly Point[] {
    return this.series.get(key) ?? [];
  }

  latest(key: string): number | undefined {
    return this.series.get(key)?.at(-1)?.value;
  }

  keysStartingWith(prefix: string): string[] {
    return [...this.series.keys()].filter((key) => key.startsWith(prefix));
  }

  /**
   * How much a counter grew over the last `windowMs` (at least two points). A
   * drop means the service restarted and its counter began again from zero, so
   * the new value is the growth since then, as Prometheus' increase() counts it.
   */
  increase(key: string, windowMs: number): Increase | undefined {
    const points = this.points(key);
    const last = points.at(-1);
    if (!last) return undefined;
    const recent = points.filter((p) => p.at >= last.at - windowMs);
    if (recent.length < 2) return undefined;
    let increase = 0;
    for (let i = 1; i < recent.length; i++) {
      const delta = recent[i]!.value - recent[i - 1]!.value;
      increase += delta >= 0 ? delta : recent[i]!.value;
    }
    return { increase, seconds: (last.at - recent[0]!.at) / 1000 };
  }

  /** Per-second rate of a counter over the last `windowMs`. */
  rate(key: string, windowMs: number): number | undefined {
    const grown = this.increase(key, windowMs);
    return grown && grown.seconds > 0 ? grown.increase / grown.seconds : undefined;
  }
}
