import { concatMap, map, takeWhile, type Observable } from 'rxjs';
import type { Effect } from './effects.ts';
import type { TrainerEvent } from './events.ts';
import type { CoreSettings } from './settings.ts';
import { INITIAL_STATE, type TrainerState } from './state.ts';
import { step, type Transition } from './step.ts';

/**
 * Threads the trainer's state through its events, one at a time: each event is
 * stepped, and its effects performed before the next event is taken. The state is
 * readable (for readiness and the assignor) but changes only here.
 */
export class TrainerCore {
  private current: TrainerState = INITIAL_STATE;

  constructor(
    private readonly settings: CoreSettings,
    private readonly now: () => number,
  ) {}

  get state(): TrainerState {
    return this.current;
  }

  /** Completes once the trainer has stopped; errors when an effect fails it. */
  run(events$: Observable<TrainerEvent>, perform: (effects: readonly Effect[]) => Promise<void>): Observable<TrainerState> {
    return events$.pipe(
      concatMap(async (event) => {
        const transition = this.step(event);
        await perform(transition.effects);
        return transition;
      }),
      takeWhile((transition) => transition.state.kind !== 'stopped', true),
      map((transition) => transition.state),
    );
  }

  private step(event: TrainerEvent): Transition {
    // Whether a batch is stale is known only now: a seek may have come after it was fetched.
    const current = event.kind === 'batch' ? { ...event, stale: event.stale || event.batch.isStale() } : event;
    const transition = step(this.current, current, this.settings, this.now());
    this.current = transition.state;
    return transition;
  }
}
