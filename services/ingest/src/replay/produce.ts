import type { Reading } from '@sonar/contracts';
import { Pacer } from './pacer.ts';
import type { PlannedReading } from './plan.ts';
import type { ReadingSink } from './sinks.ts';

export interface ProduceProgress {
  /** Handed to the sink. */
  sent: number;
  /** Acknowledged by Kafka (or the ingest service). */
  acked: number;
  rejected: number;
  total: number;
  elapsedMs: number;
}

export interface ProduceOptions {
  /** Readings per second; 0 = as fast as possible. */
  rate: number;
  /** Readings per send; smaller when pacing a low rate. */
  chunk?: number;
  onProgress?: (progress: ProduceProgress) => void;
  /** Stop early (Ctrl-C): what was handed over is still awaited. */
  signal?: AbortSignal;
}

/**
 * Sends planned readings through a sink at the requested rate, never awaiting one
 * send at a time: sends overlap up to what the sink accepts, and all are awaited at the end.
 */
export async function produce(
  plan: Iterable<PlannedReading>,
  total: number,
  sink: ReadingSink,
  options: ProduceOptions,
): Promise<ProduceProgress> {
  const started = performance.now();
  const progress: ProduceProgress = { sent: 0, acked: 0, rejected: 0, total, elapsedMs: 0 };
  const chunk = options.chunk ?? (options.rate > 0 ? Math.max(1, Math.min(500, Math.floor(options.rate / 50))) : 500);
  const pacer = new Pacer(options.rate);
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const report = () => {
    progress.elapsedMs = performance.now() - started;
    options.onProgress?.(progress);
  };
  const timer = setInterval(report, 200);
  const iterator = plan[Symbol.iterator]();
  try {
    let done = false;
    while (!done && !options.signal?.aborted && failure === undefined) {
      const count = await pacer.next(chunk);
      const readings: Reading[] = [];
      const ts = Date.now();
      for (let i = 0; i < count; i++) {
        const next = iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        readings.push({ ...next.value, ts });
      }
      if (readings.length === 0) break;
      await sink.whenWritable();
      progress.sent += readings.length;
      const send = sink.send(readings).then(
        (result) => {
          progress.acked += result.accepted;
          progress.rejected += result.rejected;
        },
        (error: unknown) => {
          failure ??= error;
        },
      );
      pending.add(send);
      void send.finally(() => pending.delete(send));
    }
    await Promise.all(pending);
    if (failure !== undefined) throw failure;
    return progress;
  } finally {
    clearInterval(timer);
    report();
  }
}
