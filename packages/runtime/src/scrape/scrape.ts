import { parseMetrics, type Sample } from './parse-metrics.ts';

/** One look at a service: its samples, or why it did not answer. */
export type Scrape = { up: true; samples: Sample[] } | { up: false; error: string };

/** A base URL such as http://127.0.0.1:9101 means its /metrics; a URL with a path is used as given. */
export function metricsUrl(base: string): string {
  const url = new URL(base);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/metrics';
  return url.toString();
}

/**
 * GET /metrics with a deadline. Never throws: a service that is down, slow or
 * answers garbage is a state to show on the dashboard, not a reason to stop it.
 */
export async function scrape(url: string, timeoutMs: number, signal?: AbortSignal): Promise<Scrape> {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal: signal ? AbortSignal.any([deadline, signal]) : deadline });
    if (!response.ok) {
      await response.body?.cancel();
      return { up: false, error: `HTTP ${response.status}` };
    }
    return { up: true, samples: parseMetrics(await response.text()) };
  } catch (error) {
    return { up: false, error: deadline.aborted ? `no answer in ${timeoutMs} ms` : reason(error) };
  }
}

/** fetch() reports every network failure as "fetch failed": the cause says which. */
function reason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
