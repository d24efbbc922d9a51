import { concatMap, interval, map, merge, takeWhile, type Observable } from 'rxjs';
import type { BatchSource, ConsumedBatch } from '@sonar/kafka';
import type { GradientWorker } from './gradient-worker.ts';

type WorkerEvent = { kind: 'assigned'; partitions: readonly number[] } | { kind: 'batch'; batch: ConsumedBatch } | { kind: 'tick' } | { kind: 'stop' };

export interface WorkerPipelineDeps {
  worker: GradientWorker;
  source: BatchSource;
  assignments$: Observable<readonly number[]>;
  stop$: Observable<unknown>;
  /** Errors that end the worker (transactions failing past the bound); emits nothing else. */
  failures$: Observable<never>;
  tickMs: number;
}

/**
 * The gradient worker, top to bottom: assignments, fetched batches, clock ticks and a
 * stop as one stream of events, each handled before the next (decode → dead-letter the
 * invalid → keep labeled, non-holdout readings → mini-batches → gradients at the newest
 * model → one transaction with the offsets), the batch released last so the consumer
 * fetches on. Completes at the stop.
 */
export function workerPipeline(deps: WorkerPipelineDeps): Observable<WorkerEvent> {
  const events$ = merge(
    deps.assignments$.pipe(map((partitions): WorkerEvent => ({ kind: 'assigned', partitions }))),
    deps.source.batches$.pipe(map((batch): WorkerEvent => ({ kind: 'batch', batch }))),
    interval(deps.tickMs).pipe(map((): WorkerEvent => ({ kind: 'tick' }))),
    deps.stop$.pipe(map((): WorkerEvent => ({ kind: 'stop' }))),
    deps.failures$,
  );
  return events$.pipe(
    concatMap(async (event) => {
      if (event.kind === 'assigned') await deps.worker.assign(event.partitions);
      else if (event.kind === 'tick') await deps.worker.tick();
      else if (event.kind === 'batch') {
        try {
          await deps.worker.handle(event.batch);
        } finally {
          event.batch.release();
        }
      }
      return event;
    }),
    takeWhile((event) => event.kind !== 'stop'),
  );
}
