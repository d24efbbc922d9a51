import { THETA_LENGTH } from '@sonar/contracts';
import { initialState } from '@sonar/model';
import type { Checkpoint } from '@sonar/store';

/** A checkpoint of version `version` whose theta is `thetaValue` throughout (but a -0, which must survive the round trip). */
export function sampleCheckpoint(version: number, thetaValue: number, model = 'm'): Checkpoint {
  const state = initialState({ optimizer: 'adam', alpha: 0.01 }, THETA_LENGTH);
  state.theta.fill(thetaValue);
  state.theta[1] = -0;
  state.step = version * 10;
  return {
    model,
    version,
    state,
    cost: 0.5,
    accuracy: 0.75,
    samples: version * 100,
    batches: version * 10,
    topic: 'readings',
    offsets: { '0': String(version * 100) },
    updatedAt: 1_795_000_000_000 + version,
    hyperparameters: { optimizer: 'adam', alpha: 0.01 },
  };
}
