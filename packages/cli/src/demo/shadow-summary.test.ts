import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '@sonar/store';
import { shadowComparison, shadowNextSteps } from './shadow-summary.ts';

function checkpoint(model: string, optimizer: string, version: number): Checkpoint {
  const state = { theta: new Float64Array(61), step: version, velocity: null, m: null, v: null };
  return { model, version, state, cost: 0.4, accuracy: 0.8, samples: 6640, batches: 415, topic: 't', offsets: {}, updatedAt: 1, hyperparameters: { optimizer } };
}

describe('shadowNextSteps', () => {
  it('compares on the scorer the demo ran, naming it only off the default port, and promotes the challenger to the serving model', () => {
    expect(shadowNextSteps('demo', 'demo-challenger', 9102)).toEqual(['pnpm sonar model compare demo demo-challenger', 'pnpm sonar model promote demo-challenger --to demo']);
    expect(shadowNextSteps('demo', 'demo-challenger', 9122)[0]).toBe('pnpm sonar model compare demo demo-challenger --scorer http://127.0.0.1:9122');
  });
});

describe('shadowComparison', () => {
  it("puts the scorer's serving side with the serving model and its shadow side with the challenger", () => {
    const shadow = { servingAccuracy: 0.78, challengerAccuracy: 0.85, servingLogLoss: 0.42, challengerLogLoss: 0.35, agreement: 0.86, challengerVersion: 96 };
    const c = shadowComparison(checkpoint('demo', 'sgd', 98), checkpoint('demo-challenger', 'adam', 97), { scored: 20800, port: 9102, shadow, heldOutAccuracy: 0.857 });
    expect(c.serving).toEqual({ model: 'demo', optimizer: 'sgd', accuracy: 0.78, logLoss: 0.42 });
    expect(c.challenger).toMatchObject({ model: 'demo-challenger', optimizer: 'adam', accuracy: 0.85, logLoss: 0.35, version: 97, scoredVersion: 96, heldOutAccuracy: 0.857 });
    expect(c).toMatchObject({ agreement: 0.86, scored: 20800 });
    expect(c.nextSteps[1]).toBe('pnpm sonar model promote demo-challenger --to demo');
  });

  it('leaves the live numbers out when the scorer never held a challenger version', () => {
    const c = shadowComparison(checkpoint('demo', 'sgd', 3), checkpoint('demo-challenger', 'adam', 2), { scored: 100, port: 9102, shadow: {}, heldOutAccuracy: 0.5 });
    expect([c.serving.accuracy, c.challenger.accuracy, c.agreement, c.challenger.scoredVersion]).toEqual([undefined, undefined, undefined, undefined]);
    // JSON drops them, so a reader sees them missing rather than 0.
    expect(JSON.parse(JSON.stringify(c)).agreement).toBeUndefined();
  });
});
