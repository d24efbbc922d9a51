import type { ServingModel } from '@sonar/store';

/**
 * The model the scorer classifies with. Versions only move forward (a rollback
 * is itself a newer version), so a late or repeated announcement never regresses it.
 */
export class ModelHolder {
  current: ServingModel | undefined;
  /** Checkpoint time of a swapped-in model not yet used: the start of its propagation lag. */
  private unusedSince: number | undefined;

  constructor(private readonly onSwap: (model: ServingModel, previous: number | undefined) => void) {}

  offer(model: ServingModel): boolean {
    if (this.current && model.version <= this.current.version) return false;
    const previous = this.current?.version;
    this.current = model;
    this.unusedSince = model.updatedAt;
    this.onSwap(model, previous);
    return true;
  }

  /** The model to score a batch with, and its propagation lag when this is its first batch. */
  take(now: number): { model: ServingModel; propagationMs: number | undefined } {
    const model = this.current!;
    const propagationMs = this.unusedSince === undefined ? undefined : Math.max(0, now - this.unusedSince);
    this.unusedSince = undefined;
    return { model, propagationMs };
  }
}
