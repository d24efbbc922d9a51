import type { ClassifiedEvent } from '../src/classified.ts';

/** Classified events at the edges of every field: odd ids and names, extreme probabilities and times, with and without a true label. */
export const EVENTS: ClassifiedEvent[] = [
  { id: 'r-000017', label: 'R', class: 'rock', probability: 0.9137, modelVersion: 12, model: 'sonar', readingTs: 1795000000123, scoredAt: 1795000000125, trueLabel: 'M', holdout: true },
  { id: 'sonar.readings-2-40913', label: 'M', class: 'mine', probability: 5e-324, modelVersion: 1, model: 'm-{a}', readingTs: 0.25, scoredAt: 0 },
  { id: 'bouée Σ 🐟', label: 'M', class: 'mine', probability: 0, modelVersion: 2 ** 40, model: 'x'.repeat(128), readingTs: 1e300, scoredAt: Number.MAX_SAFE_INTEGER, trueLabel: 'R', holdout: false },
  { id: 'x', label: 'R', class: 'rock', probability: 1, modelVersion: 3, model: 's', readingTs: 17, scoredAt: 18, trueLabel: 'R', holdout: false },
];
