import { THETA_LENGTH } from '@sonar/contracts';
import type { Batch } from '@sonar/model';

export interface TrainableReading {
  features: Float64Array;
  /** 1 = rock, 0 = mine. */
  y: 0 | 1;
  partition: number;
  offset: number;
  /** When it entered the buffer (ms), for the max-wait flush. */
  arrivedAt: number;
}

/**
 * Copies readings into one reusable design matrix (bias column first): the
 * optimizer does not keep the batch, so one allocation serves every step.
 */
export class MiniBatchBuilder {
  private readonly x: Float64Array;
  private readonly y: Float64Array;

  constructor(private readonly capacity: number) {
    this.x = new Float64Array(capacity * THETA_LENGTH);
    this.y = new Float64Array(capacity);
  }

  build(readings: readonly TrainableReading[], start: number, end: number): Batch {
    const n = end - start;
    if (n > this.capacity) throw new Error(`mini-batch of ${n} exceeds capacity ${this.capacity}`);
    for (let i = 0; i < n; i++) {
      const reading = readings[start + i]!;
      const row = i * THETA_LENGTH;
      this.x[row] = 1;
      this.x.set(reading.features, row + 1);
      this.y[i] = reading.y;
    }
    return { x: this.x.subarray(0, n * THETA_LENGTH), y: this.y.subarray(0, n), n, d: THETA_LENGTH };
  }
}
