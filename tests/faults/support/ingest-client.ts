import type { PlannedReading } from '@sonar/ingest';

export interface ClientResult {
  sent: number;
  acknowledged: Set<string>;
  /** When each acknowledged request was answered (ms). */
  ackTimes: number[];
  failedRequests: number;
}

/**
 * Posts readings to ingest at a fixed rate (JSON arrays of `chunk`), never waiting
 * for an answer before the next request, and records which readings were
 * acknowledged with 202.
 */
export async function postReadings(baseUrl: string, readings: Iterable<PlannedReading>, ratePerSecond: number, chunk = 50): Promise<ClientResult> {
  const result: ClientResult = { sent: 0, acknowledged: new Set(), ackTimes: [], failedRequests: 0 };
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let batch: PlannedReading[] = [];
  const post = (items: PlannedReading[]) => {
    result.sent += items.length;
    const body = JSON.stringify(items.map((r) => ({ id: r.id, features: Array.from(r.features), label: r.label, holdout: r.holdout, ts: Date.now() })));
    pending.push(
      fetch(`${baseUrl}/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
        async (response) => {
          await response.body?.cancel();
          if (response.status === 202) {
            for (const item of items) result.acknowledged.add(item.id);
            result.ackTimes.push(Date.now());
          } else result.failedRequests += 1;
        },
        () => {
          result.failedRequests += 1;
        },
      ),
    );
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
