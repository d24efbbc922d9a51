import { filter, interval, map, type Observable } from 'rxjs';

/**
 * Fails once `reason()` names one (asked every `everyMs`): merged into a consumer's pipeline, it ends
 * the service whose dependency stayed away past its bound, so that the group gives its partitions
 * to a member that can use them.
 */
export function giveUpPartitionsWhen(reason: () => string | undefined, everyMs = 1000): Observable<never> {
  return interval(everyMs).pipe(
    map(() => reason()),
    filter((why): why is string => why !== undefined),
    map((why) => {
      throw new Error(`${why}: giving up the partitions`);
    }),
  );
}
