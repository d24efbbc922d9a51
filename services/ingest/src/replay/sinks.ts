import type { Reading } from '@sonar/contracts';
import type { ReadingPublisher } from '../publisher.ts';

export interface SendReport {
  accepted: number;
  rejected: number;
}

/** Where `sonar produce` sends readings: straight to Kafka, or through the ingest service's HTTP API. */
export interface ReadingSink {
  send(readings: Reading[]): Promise<SendReport>;
  whenWritable(): Promise<void>;
}

export function kafkaSink(publisher: ReadingPublisher): ReadingSink {
  return {
    send: async (readings) => {
      await publisher.publish(readings);
      return { accepted: readings.length, rejected: 0 };
    },
    whenWritable: () => publisher.whenWritable(),
  };
}

/** POSTs JSON arrays to /readings, a few requests in flight at most. */
export function httpSink(baseUrl: string, token: string | undefined, maxInFlight = 4): ReadingSink {
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  return {
    send: async (readings) => {
      inFlight += 1;
      try {
        const response = await fetch(new URL('/readings', baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(readings.map(toJson)),
        });
        if (response.status !== 202 && response.status !== 400) {
          throw new Error(`ingest answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
        }
        const answer = (await response.json()) as { accepted: number; rejected: number };
        return { accepted: answer.accepted, rejected: answer.rejected };
      } finally {
        inFlight -= 1;
        for (const wake of waiters.splice(0)) wake();
      }
    },
    whenWritable: () => (inFlight < maxInFlight ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

function toJson(reading: Reading) {
  return {
    id: reading.id,
    features: Array.from(reading.features),
    label: reading.label,
    holdout: reading.holdout || undefined,
    ts: reading.ts,
  };
}
