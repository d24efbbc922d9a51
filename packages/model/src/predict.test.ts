import { describe, expect, it } from 'vitest';
import { loadSonar } from '@sonar/dataset';
import { batchFromRows } from './labeled-batch.ts';
import { predictLabel, predictProbability, probabilities } from './predict.ts';
import { seededRng } from './random.ts';
import { sigmoid } from './sigmoid.ts';

const rows = loadSonar();
const sonar = batchFromRows(rows);
const rng = seededRng(11);
const theta = Float64Array.from({ length: 61 }, () => rng() * 2 - 1);

describe('predictLabel', () => {
  it('predicts rock (1) at exactly 0.5 and above, mine (0) below', () => {
    expect(predictLabel(0.5)).toBe(1);
    expect(predictLabel(0.9)).toBe(1);
    expect(predictLabel(0.49999999999999994)).toBe(0); // largest double below 0.5
    expect(predictLabel(0)).toBe(0);
    expect(predictLabel(sigmoid(0))).toBe(1);
  });
});

describe('predictProbability', () => {
  it('adds the bias itself: features exclude the bias column', () => {
    const t = new Float64Array(61);
    t[0] = 2;
    t[1] = 3;
    const features = new Float64Array(60);
    features[0] = 0.5;
    expect(predictProbability(t, features)).toBe(sigmoid(2 + 3 * 0.5));
  });

  it('agrees bit for bit with the batch probabilities', () => {
    const batchP = probabilities(theta, sonar);
    rows.forEach((row, i) => expect(predictProbability(theta, row.features)).toBe(batchP[i]));
  });

  it('rejects a feature vector of the wrong length', () => {
    expect(() => predictProbability(theta, new Float64Array(61))).toThrow(/61 features, expected 60/);
  });
});

describe('probabilities', () => {
  it('fills the given buffer and leaves entries beyond n alone', () => {
    const out = new Float64Array(sonar.n + 2).fill(-1);
    expect(probabilities(theta, sonar, out)).toBe(out);
    expect(out[sonar.n]).toBe(-1);
    expect(out.subarray(0, sonar.n).every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('rejects an output buffer that is too short', () => {
    expect(() => probabilities(theta, sonar, new Float64Array(3))).toThrow(/output has length 3/);
  });
});
