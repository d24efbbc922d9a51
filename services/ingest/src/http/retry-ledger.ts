import type { Reading } from '@sonar/contracts';

/** One send to Kafka, shared by the ids of its readings. */
interface Write {
  done: Promise<void>;
  /** A request that carried one of its readings was answered before Kafka acknowledged it. */
  gaveUp: boolean;
}

export interface LedgerPublish {
  /** Resolves once every reading is in Kafka: by this send, or by the earlier one it repeats. */
  written: Promise<void>;
  /** Readings of the request not sent again: their ids were on their way to Kafka, or written after a give-up. */
  repeated: number;
}

/**
 * What ingest knows of the readings it sent, by id. A request answered 503 at its deadline
 * leaves its readings on their way to Kafka, and its client posts them again with the same
 * ids; when Kafka comes back both would land in the topic, the retries as far behind the
 * originals as the outage was long (tens of thousands of offsets), past the trainer's dedup
 * window. So a reading whose id is still on its way is not sent again (the retry waits for
 * that write), nor is one written after a request that carried it gave up (the retry is
 * answered at once). Those ids are kept up to `capacity`, the oldest forgotten first.
 * Readings without an id are always sent.
 */
export class RetryLedger {
  private readonly inFlight = new Map<string, Write>();
  private readonly writtenAfterGiveUp = new Set<string>();

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
      if (flying || this.writtenAfterGiveUp.has(id) || inRequest.has(id)) {
        if (flying) earlier.add(flying.done);
        repeated += 1;
        continue;
      }
      inRequest.add(id);
      fresh.push(reading);
    }
    if (fresh.length > 0) earlier.add(this.track(fresh, send(fresh)));
    return { written: Promise.all(earlier).then(() => undefined), repeated };
  }

  /** A request carrying these readings was answered before Kafka acknowledged them: a retry of any of them is not sent again. */
  gaveUp(readings: readonly Reading[]): void {
    for (const { id } of readings) {
      const write = id === undefined ? undefined : this.inFlight.get(id);
      if (write) write.gaveUp = true;
    }
  }

  /** Ids on their way to Kafka now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Ids remembered as written after a give-up. */
  get rememberedCount(): number {
    return this.writtenAfterGiveUp.size;
  }

  private known(id: string): boolean {
    return this.inFlight.has(id) || this.writtenAfterGiveUp.has(id);
  }

  private track(fresh: readonly Reading[], done: Promise<void>): Promise<void> {
    const write: Write = { done, gaveUp: false };
    const ids = fresh.flatMap((r) => (r.id === undefined ? [] : [r.id]));
    for (const id of ids) this.inFlight.set(id, write);
    const settle = (written: boolean) => {
      for (const id of ids) {
        if (this.inFlight.get(id) !== write) continue;
        this.inFlight.delete(id);
        if (written && write.gaveUp) this.remember(id);
      }
    };
    // A failed write is forgotten: a retry sends its readings again.
    done.then(
      () => settle(true),
      () => settle(false),
    );
    return done;
  }

  private remember(id: string): void {
    this.writtenAfterGiveUp.add(id);
    if (this.writtenAfterGiveUp.size <= this.capacity) return;
    const oldest = this.writtenAfterGiveUp.values().next().value;
    if (oldest !== undefined) this.writtenAfterGiveUp.delete(oldest);
  }
}
