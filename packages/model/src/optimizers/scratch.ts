/** Arrays that receive the result of one step before it is accepted. */
export interface StepTarget {
  theta: Float64Array;
  velocity: Float64Array | null;
  m: Float64Array | null;
  v: Float64Array | null;
  /** The averaged iterate after the step, when the step averages. */
  average: Float64Array | null;
}

export interface StepScratch {
  gradient: Float64Array;
  lookAhead: Float64Array;
  next: StepTarget;
}

// Reused across calls so the training loop does not allocate per step; safe
// because a step runs to completion before any other step can start.
let cached: StepScratch | null = null;

export function scratchFor(d: number): StepScratch {
  if (cached === null || cached.gradient.length !== d) {
    cached = {
      gradient: new Float64Array(d),
      lookAhead: new Float64Array(d),
      next: {
        theta: new Float64Array(d),
        velocity: new Float64Array(d),
        m: new Float64Array(d),
        v: new Float64Array(d),
        average: new Float64Array(d),
      },
    };
  }
  return cached;
}
