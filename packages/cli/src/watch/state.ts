import { recordScrape, SERVICES, type Service } from './record.ts';
import type { Scrape } from '@sonar/runtime';
import { SeriesStore } from './series.ts';

export interface ServiceStatus {
  up: boolean;
  /** Why the last scrape failed. */
  error?: string;
}

/** Everything the dashboard has seen: the recent rounds of scrapes, as series. */
export class WatchState {
  readonly store: SeriesStore;
  /** When each kept round was scraped, oldest first (monotonic milliseconds). */
  readonly rounds: number[] = [];
  readonly status = new Map<Service, ServiceStatus>(SERVICES.map((s) => [s, { up: false, error: 'not scraped yet' }]));

  constructor(readonly capacity: number) {
    this.store = new SeriesStore(capacity);
  }

  /**
   * One round: every service scraped together. They share one time so their
   * points line up on the charts; the few milliseconds between their answers do
   * not matter to a rate over seconds.
   */
  addRound(at: number, scrapes: Readonly<Record<Service, Scrape>>): void {
    this.rounds.push(at);
    if (this.rounds.length > this.capacity) this.rounds.splice(0, this.rounds.length - this.capacity);
    for (const service of SERVICES) {
      const scrape = scrapes[service];
      this.status.set(service, scrape.up ? { up: true } : { up: false, error: scrape.error });
      if (scrape.up) recordScrape(this.store, service, scrape.samples, at);
    }
  }

  /** The value a series had in the last round; undefined when that round did not have it. */
  current(key: string): number | undefined {
    const last = this.store.points(key).at(-1);
    return last && last.at === this.rounds.at(-1) ? last.value : undefined;
  }
}
