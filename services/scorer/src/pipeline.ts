import { catchError, concatMap, EMPTY, endWith, from, ignoreElements, map, merge, share, takeUntil, tap, type Observable } from 'rxjs';
import type { ClassifiedEvent } from '@sonar/contracts';
import type { BatchSource, ConsumedBatch } from '@sonar/kafka';
import { RetryBatch } from './stages/publish-transactionally.ts';
import { scoreBatch, type PublishedBatch, type ScoredBatch } from './stages/score.ts';
import type { ModelHolder } from '@sonar/store';

export interface ScorerPipelineDeps {
  source: BatchSource;
  /** Errors that end the scorer (Kafka stuck past its bound); emits nothing else. */
  failures$: Observable<never>;
  holder: ModelHolder;
  /** Shadow scoring: a second model every reading is scored with too, for metrics only. */
  shadow?: ModelHolder | undefined;
  model: string;
  maxReadingBytes: number;
  /** An event's record value (JSON unless told). */
  encode?: ((event: ClassifiedEvent) => string | Buffer) | undefined;
  /** Exactly once: the part of a batch no committed transaction covers yet (by default, all of it). */
  admit?: ((batch: ConsumedBatch) => Promise<ConsumedBatch>) | undefined;
  /** At least once (publish, then commit) or exactly once (one transaction per batch). */
  publish: (scored: ScoredBatch) => Promise<PublishedBatch>;
  observe: (scored: PublishedBatch) => void;
  now: () => number;
}

/**
 * The scorer, top to bottom: what is not scored yet of a batch → decode and classify
 * with the current model → publish events and dead letters (and commit) → metrics →
 * release the batch. One batch at a time from admitting to publishing: what a batch
 * admits depends on the commits before it.
 */
export function scoringPipeline(deps: ScorerPipelineDeps): Observable<PublishedBatch> {
  const batches$ = deps.source.batches$.pipe(share());
  const failures$ = deps.failures$.pipe(takeUntil(batches$.pipe(ignoreElements(), endWith(null))));
  const admit = deps.admit ?? ((batch: ConsumedBatch) => Promise.resolve(batch));
  const score = scoreBatch(deps.holder, deps);
  return merge(batches$, failures$).pipe(
    concatMap((batch) =>
      from(admit(batch)).pipe(
        map(score),
        concatMap((scored) => from(deps.publish(scored))),
        catchError(skipForRetry(batch)),
      ),
    ),
    tap(deps.observe),
    tap((scored) => scored.batch.release()),
  );
}

/** A batch that must be read again is released unpublished; any other error ends the pipeline. */
function skipForRetry(batch: ConsumedBatch) {
  return (error: unknown): Observable<never> => {
    if (!(error instanceof RetryBatch)) throw error;
    batch.release();
    return EMPTY;
  };
}
