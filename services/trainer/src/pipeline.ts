import { interval, map, merge, type Observable } from 'rxjs';
import type { BatchSource } from '@sonar/kafka';
import type { Effect } from './core/effects.ts';
import { STOP, TICK, type TrainerEvent } from './core/events.ts';
import type { TrainerState } from './core/state.ts';
import type { TrainerCore } from './core/trainer-core.ts';

export interface PipelineDeps {
  core: TrainerCore;
  source: BatchSource;
  /** Partitions given to this member at each group join. */
  assignments$: Observable<readonly number[]>;
  /** Emits once, when the service shuts down. */
  stop$: Observable<unknown>;
  /** Performs effects, in order. */
  perform: (effects: readonly Effect[]) => Promise<void>;
  /** What the effects learn later: the answers of Redis, and scheduled retries. */
  feedback$: Observable<TrainerEvent>;
  /** Errors that end the trainer (a dependency stuck past its bound); emits nothing else. */
  failures$: Observable<never>;
  tickMs: number;
}

/**
 * The trainer, top to bottom: everything that happens to it — assignments, fetched
 * batches, clock ticks, a stop, and the answers of Redis — as one stream of events
 * → the core's step (decode → dead-letter the invalid → keep labeled, non-holdout
 * readings → mini-batches → optimizer steps → checkpoint when due) → its effects
 * performed in order, the batch released last so the consumer fetches on.
 * Completes when the trainer has stopped.
 */
export function trainingPipeline(deps: PipelineDeps): Observable<TrainerState> {
  const events$ = merge(
    deps.assignments$.pipe(map((partitions): TrainerEvent => ({ kind: 'assigned', partitions }))),
    deps.source.batches$.pipe(map((batch): TrainerEvent => ({ kind: 'batch', batch, stale: false }))),
    // Ticks let a slow stream flush partial batches and checkpoint by time.
    interval(deps.tickMs).pipe(map(() => TICK)),
    deps.stop$.pipe(map(() => STOP)),
    deps.feedback$,
    deps.failures$,
  );
  return deps.core.run(events$, deps.perform);
}
