import type { ServingModel } from '../checkpoint.ts';

/**
 * The newest model a follower uses: the scorer classifies with it, a parallel-mode
 * gradient worker computes its gradients at it. Versions only move forward (a rollback
 * is itself a newer version), so a late or repeated announcement never regresses it.
 */
export class ModelHolder {
  current: ServingModel | undefined;
  /** The newest version heard of (announced or polled), perhaps not loaded yet. */
  newestKnown = 0;
  private waiters: (() => void)[] = [];
  /** Checkpoint time of a swapped-in model not yet used: the start of its propagation lag. */
  private unusedSince: number | undefined;

  constructor(private readonly onSwap: (model: ServingModel, previous: number | undefined) => void) {}

  offer(model: ServingModel): boolean {
    if (this.current && model.version <= this.current.version) return false;
    const previous = this.current?.version;
    this.current = model;
    this.unusedSince = model.updatedAt;
    this.noteVersion(model.version);
    this.onSwap(model, previous);
    for (const wake of this.waiters.splice(0)) wake();
    return true;
  }

  /** A version announced or read: the model held may be behind it until it is loaded. */
  noteVersion(version: number): void {
    if (version > this.newestKnown) this.newestKnown = version;
  }

  /** Resolves at the next swap, or after `timeoutMs` (whichever comes first). */
  nextSwap(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** The model to score a batch with, and its propagation lag when this is its first batch. */
  take(now: number): { model: ServingModel; propagationMs: number | undefined } {
    const model = this.current!;
    const propagationMs = this.unusedSince === undefined ? undefined : Math.max(0, now - this.unusedSince);
    this.unusedSince = undefined;
    return { model, propagationMs };
  }
}
