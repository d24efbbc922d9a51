import type { PlannedReading } from '@sonar/ingest';

export interface ClientResult {
  sent: number;
  acknowledged: Set<string>;
  /** When each acknowledged request was answered (ms). */
  ackTimes: number[];
  /** Answers other than 202, and requests that got no answer (each retry counts again). */
  failedRequests: number;
  /** Requests posted again with the same readings after a 503 or no answer in time. */
  retries: number;
  /** 503s that said when to come back (Retry-After). */
  retryAfters: number;
  /** Answers other than 202 by their `error` (kafka_unavailable: the deadline passed, the readings may still arrive). */
  errors: Record<string, number>;
}

export interface ClientOptions {
  /** Readings per request (a JSON array). */
  chunk?: number;
  /** Post a request again, with the same readings and ids, after a 503 (waiting its Retry-After) or no answer, until it gets 202. */
  retry?: boolean;
  /** A request without an answer this long is given up (and, with `retry`, posted again). */
  timeoutMs?: number;
}

/**
 * Posts readings to ingest at a fixed rate (JSON arrays of `chunk`), never waiting
 * for an answer before the next request, and records which readings were
 * acknowledged with 202.
 */
export async function postReadings(baseUrl: string, readings: Iterable<PlannedReading>, ratePerSecond: number, options: ClientOptions = {}): Promise<ClientResult> {
  const { chunk = 50, retry = false, timeoutMs = 60_000 } = options;
  const result: ClientResult = { sent: 0, acknowledged: new Set(), ackTimes: [], failedRequests: 0, retries: 0, retryAfters: 0, errors: {} };
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let batch: PlannedReading[] = [];
  const attempt = async (items: PlannedReading[], body: string): Promise<void> => {
    for (;;) {
      let waitMs = 1000;
      try {
        const response = await fetch(`${baseUrl}/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
        if (response.status === 202) {
          await response.body?.cancel();
          for (const item of items) result.acknowledged.add(item.id);
          result.ackTimes.push(Date.now());
          return;
        }
        result.failedRequests += 1;
        const error = ((await response.json().catch(() => ({}))) as { error?: string }).error ?? `status ${response.status}`;
        result.errors[error] = (result.errors[error] ?? 0) + 1;
        if (response.status !== 503) return;
        const retryAfter = Number(response.headers.get('retry-after'));
        if (retryAfter > 0) {
          result.retryAfters += 1;
          waitMs = retryAfter * 1000;
        }
      } catch (error) {
        result.failedRequests += 1;
        const name = (error as Error).name === 'TimeoutError' ? 'no answer in time' : 'no answer';
        result.errors[name] = (result.errors[name] ?? 0) + 1;
      }
      if (!retry) return;
      result.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  };
  const post = (items: PlannedReading[]) => {
    result.sent += items.length;
    // Built once: a retry carries the very same readings.
    const body = JSON.stringify(items.map((r) => ({ id: r.id, features: Array.from(r.features), label: r.label, holdout: r.holdout, ts: Date.now() })));
    pending.push(attempt(items, body));
  };
  for (const reading of readings) {
    batch.push(reading);
    if (batch.length < chunk) continue;
    post(batch);
    batch = [];
    const due = started + (result.sent / ratePerSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  if (batch.length > 0) post(batch);
  await Promise.all(pending);
  return result;
}
