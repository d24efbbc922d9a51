import type { Reading } from '@sonar/contracts';

export interface LedgerPublish {
  /** Resolves once every reading is in Kafka: by this send, or by the earlier one it repeats. */
  written: Promise<void>;
  /** Readings of the request not sent again: their ids were on their way to Kafka, or among the last written. */
  repeated: number;
}

/**
 * What ingest has sent, by reading id. A client that gets no answer in time (a 503 at
 * INGEST_ACK_TIMEOUT_MS, its own timeout while ingest is slow, a lost connection) posts the
 * readings again with the same ids, while the first write is still on its way to Kafka or
 * after it was written, and ingest cannot tell whether the client saw a 202. Sent again,
 * they would land in the topic as far behind the originals as the outage or the stall was
 * long, tens of thousands of offsets: past the trainer's dedup window. So a reading whose id
 * is on its way is not sent again (the retry waits for that write), nor is one among the
 * last `capacity` written (the retry is answered at once). Readings without an id are
 * always sent; a failed write is forgotten, so that a retry sends its readings.
 */
export class RetryLedger {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** In the order written: the first is forgotten first. */
  private readonly written = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** How many of these readings a publish would send now. */
  countNew(readings: readonly Reading[]): number {
    let count = 0;
    for (const { id } of readings) if (id === undefined || !this.known(id)) count += 1;
    return count;
  }

  /** Sends, with `send`, the readings not known yet; the others wait for (or already have) their earlier write. */
  publish(readings: readonly Reading[], send: (fresh: Reading[]) => Promise<void>): LedgerPublish {
    const fresh: Reading[] = [];
    const earlier = new Set<Promise<void>>();
    const inRequest = new Set<string>();
    let repeated = 0;
    for (const reading of readings) {
      const { id } = reading;
      if (id === undefined) {
        fresh.push(reading);
        continue;
      }
      const flying = this.inFlight.get(id);
      if (flying || this.written.has(id) || inRequest.has(id)) {
        if (flying) earlier.add(flying);
        repeated += 1;
        continue;
      }
      inRequest.add(id);
      fresh.push(reading);
    }
    if (fresh.length > 0) earlier.add(this.track(fresh, send(fresh)));
    return { written: Promise.all(earlier).then(() => undefined), repeated };
  }

  /** Ids on their way to Kafka now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Ids remembered as written. */
  get writtenCount(): number {
    return this.written.size;
  }

  private known(id: string): boolean {
    return this.inFlight.has(id) || this.written.has(id);
  }

  private track(fresh: readonly Reading[], done: Promise<void>): Promise<void> {
    const ids = fresh.flatMap((r) => (r.id === undefined ? [] : [r.id]));
    for (const id of ids) this.inFlight.set(id, done);
    const settle = (written: boolean) => {
      for (const id of ids) {
        if (this.inFlight.get(id) !== done) continue;
        this.inFlight.delete(id);
        if (written) this.remember(id);
      }
    };
    done.then(
      () => settle(true),
      () => settle(false),
    );
    return done;
  }

  private remember(id: string): void {
    this.written.add(id);
    if (this.written.size <= this.capacity) return;
    const oldest = this.written.values().next().value;
    if (oldest !== undefined) this.written.delete(oldest);
  }
}
