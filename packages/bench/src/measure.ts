import { setTimeout as sleep } from 'node:timers/promises';
import { scrape, sumOf, type Sample } from '@sonar/runtime';

/** A metric's total on a service (0 when it has none yet). */
export const total = (samples: readonly Sample[], name: string): number => sumOf(samples, name) ?? 0;

export interface Throughput {
  count: number;
  seconds: number;
  perSecond: number;
}

/** What a baseline that counts records prints: wall-clock ms of its first record and of the one that reached its target. */
export interface FirstToLast {
  first: number;
  last: number;
  count: number;
}

export function firstToLast(span: FirstToLast): Throughput {
  const seconds = (span.last - span.first) / 1000;
  return { count: span.count, seconds, perSecond: span.count / seconds };
}

export interface RssTrace {
  peakBytes: number;
  /** Median RSS of the second quarter of the samples and of the last quarter: a growing process shows in the difference. */
  earlyBytes: number;
  lateBytes: number;
}

const STALL_MS = 30_000;

/** How often a service under measurement is scraped: every scrape costs it a little, so not too often. */
const POLL_MS = 100;

/**
 * Polls a service's counter until it reaches `target`: the rate between the first
 * poll that saw progress and the last one before the target (the moment the target
 * was reached lies somewhere before the poll that saw it). Samples RSS too. Fails
 * when the counter stops moving for a while.
 */
export async function watchCounter(port: number, counter: (samples: Sample[]) => number, target: number): Promise<{ throughput: Throughput; rss: RssTrace }> {
  const url = `http://127.0.0.1:${port}/metrics`;
  const rss: number[] = [];
  let started: { at: number; count: number } | undefined;
  let previous: { at: number; count: number } | undefined;
  let last = { count: -1, at: Date.now() };
  for (;;) {
    const result = await scrape(url, 2000);
    const now = performance.now();
    if (result.up) {
      const count = counter(result.samples);
      if (count !== last.count) last = { count, at: Date.now() };
      rss.push(total(result.samples, 'process_resident_memory_bytes'));
      if (!started && count > 0) started = { at: now, count };
      if (started && count >= target) {
        // Too short a run to have a poll in between: count to this one.
        const end = previous && previous.at > started.at ? previous : { at: now, count };
        const seconds = (end.at - started.at) / 1000;
        return { throughput: { count, seconds, perSecond: (end.count - started.count) / Math.max(seconds, 1e-9) }, rss: rssTrace(rss) };
      }
      if (started) previous = { at: now, count };
    }
    if (Date.now() - last.at > STALL_MS) {
      throw new Error(`stalled at ${last.count} of ${target} for ${STALL_MS / 1000} s (last scrape ${result.up ? 'ok' : result.error})`);
    }
    await sleep(POLL_MS);
  }
}

export function rssTrace(values: number[]): RssTrace {
  const quarter = (q: number) => median(values.slice(Math.floor((values.length * (q - 1)) / 4), Math.ceil((values.length * q) / 4)));
  return { peakBytes: Math.max(0, ...values), earlyBytes: quarter(2), lateBytes: quarter(4) };
}

/** Samples a service's RSS in the background until stopped. */
export function sampleRss(port: number, everyMs: number): { stop(): RssTrace } {
  const values: number[] = [];
  const timer = setInterval(() => {
    void scrape(`http://127.0.0.1:${port}/metrics`, everyMs).then((result) => {
      if (result.up) values.push(total(result.samples, 'process_resident_memory_bytes'));
    });
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return rssTrace(values);
    },
  };
}

/**
 * Of rounds that each measured a figure beside its baseline, the round whose ratio is
 * the median (the lower middle one of an even count): on a shared machine one round can
 * catch a busy moment on either side, and a round keeps its own pair together.
 */
export function medianRound<T>(rounds: readonly T[], ratio: (round: T) => number): T {
  if (rounds.length === 0) throw new Error('medianRound: no rounds');
  const sorted = [...rounds].sort((a, b) => ratio(a) - ratio(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}
