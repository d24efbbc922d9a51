import { recordScrape, SERVICE_TARGETS, type Target } from './record.ts';
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
  readonly status: Map<string, ServiceStatus>;
  /** Targets that answered at least once: a gradient worker is shown from then on (down when it stops). */
  readonly seen = new Set<string>();

  constructor(
    readonly capacity: number,
    readonly targets: readonly Target[] = SERVICE_TARGETS,
  ) {
    this.store = new SeriesStore(capacity);
    this.status = new Map(targets.map((t) => [t.name, { up: false, error: 'not scraped yet' }]));
  }

  /**
   * One round: every target scraped together, by name. They share one time so their
   * points line up on the charts; the few milliseconds between their answers do
   * not matter to a rate over seconds.
   */
  addRound(at: number, scrapes: Readonly<Record<string, Scrape>>): void {
    this.rounds.push(at);
    if (this.rounds.length > this.capacity) this.rounds.splice(0, this.rounds.length - this.capacity);
    for (const target of this.targets) {
      const scrape = scrapes[target.name] ?? { up: false, error: 'not scraped' };
      this.status.set(target.name, scrape.up ? { up: true } : { up: false, error: scrape.error });
      if (!scrape.up) continue;
      this.seen.add(target.name);
      recordScrape(this.store, target, scrape.samples, at);
    }
  }

  /** The value a series had in the last round; undefined when that round did not have it. */
  current(key: string): number | undefined {
    const last = this.store.points(key).at(-1);
    return last && last.at === this.rounds.at(-1) ? last.value : undefined;
  }
}
