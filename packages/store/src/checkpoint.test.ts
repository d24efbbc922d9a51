import { describe, expect, it } from 'vitest';
import { THETA_LENGTH } from '@sonar/contracts';
import { initialState, optimizerStepInPlace } from '@sonar/model';
import { fromHash, toHashFields, validServingModel, type Checkpoint } from './checkpoint.ts';

function checkpointWith(averageFrom: number | undefined): Checkpoint {
  const config = { optimizer: 'sgd' as const, alpha: 0.5, ...(averageFrom === undefined ? {} : { averageFrom }) };
  const state = initialState(config, THETA_LENGTH);
  const gradient = Float64Array.from({ length: THETA_LENGTH }, (_, j) => (j % 3) - 1);
  for (let i = 0; i < 3; i++) optimizerStepInPlace(state, { x: new Float64Array(0), y: new Float64Array(0), n: 0, d: THETA_LENGTH }, config, gradient);
  return { model: 'm', version: 1, state, cost: 0.5, accuracy: 0.7, samples: 96, batches: 3, topic: 't', offsets: { '0': '96' }, updatedAt: 1, hyperparameters: {} };
}

const asHash = (c: Checkpoint) => {
  const flat = toHashFields(c);
  return Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]));
};

describe('checkpoint fields', () => {
  it('serve the last iterate as theta without averaging, and no iterate field', () => {
    const checkpoint = checkpointWith(undefined);
    const hash = asHash(checkpoint);
    expect(JSON.parse(hash.theta!)).toEqual(Array.from(checkpoint.state.theta));
    expect(hash.iterate).toBe('');
    const served = validServingModel({ version: hash.version!, theta: hash.theta!, updatedAt: hash.updatedAt!, iterate: hash.iterate! });
    expect(served.ok && served.value.iterate).toBeUndefined();
  });

  it('serve the averaged iterate as theta with averaging, the last iterate beside it, and keep both through a resume', () => {
    const checkpoint = checkpointWith(2);
    const average = checkpoint.state.average!;
    expect(average.count).toBe(2);
    const hash = asHash(checkpoint);
    expect(JSON.parse(hash.theta!)).toEqual(Array.from(average.theta));
    expect(JSON.parse(hash.iterate!)).toEqual(Array.from(checkpoint.state.theta));
    expect(average.theta).not.toEqual(checkpoint.state.theta);

    const served = validServingModel({ version: hash.version!, theta: hash.theta!, updatedAt: hash.updatedAt!, iterate: hash.iterate! });
    expect(served.ok).toBe(true);
    if (served.ok) {
      expect(Array.from(served.value.theta)).toEqual(Array.from(average.theta));
      expect(Array.from(served.value.iterate!)).toEqual(Array.from(checkpoint.state.theta));
    }
    const resumed = fromHash(hash)!;
    expect(Array.from(resumed.state.theta)).toEqual(Array.from(checkpoint.state.theta));
    expect(resumed.state.average).toEqual(average);
  });

  it('refuse a corrupt iterate as they refuse a corrupt theta', () => {
    const hash = asHash(checkpointWith(1));
    const served = validServingModel({ version: hash.version!, theta: hash.theta!, updatedAt: hash.updatedAt!, iterate: '[1,2]' });
    expect(served.ok || served.corrupt.reason).toBe('wrong_theta_length');
  });
});
