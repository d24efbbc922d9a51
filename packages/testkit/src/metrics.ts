import { scrape, sumOf } from '@sonar/runtime';

/** The value of one metric on a service's /metrics, summed over the label sets that match (NaN when it has none). */
export async function metricValue(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const result = await scrape(`http://127.0.0.1:${port}/metrics`, 5000);
  if (!result.up) throw new Error(`metrics of :${port}: ${result.error}`);
  return sumOf(result.samples, name, labels) ?? Number.NaN;
}
