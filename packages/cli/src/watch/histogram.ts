/** One bucket of a Prometheus histogram: observations <= `le`, cumulative. */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * The q-quantile of a histogram, by linear interpolation inside the bucket it
 * falls in, as Prometheus' histogram_quantile() computes it: so the numbers here
 * match a Grafana panel on the same data. Undefined when there are no observations.
 * A quantile in the +Inf bucket is reported as the largest finite bound: all a
 * histogram can say about it is that it is at least that.
 */
export function quantile(q: number, buckets: readonly Bucket[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (!(total > 0) || sorted.at(-1)!.le !== Number.POSITIVE_INFINITY) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank && bucket.count > lowerCount) {
      if (bucket.le === Number.POSITIVE_INFINITY) return sorted.length > 1 ? sorted.at(-2)!.le : undefined;
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / (bucket.count - lowerCount);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return undefined;
}

/** `le` label text to a bound: "+Inf" included. */
export function parseLe(text: string): number | undefined {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  const le = Number(text);
  return text !== '' && Number.isFinite(le) ? le : undefined;
}
