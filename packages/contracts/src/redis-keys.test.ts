import { describe, expect, it } from 'vitest';
import calculateSlot from 'cluster-key-slot';
import { clusterSlotProblem, modelKeys, modelKeysShareSlot } from './redis-keys.ts';

describe('the Redis Cluster slot of a model', () => {
  it('is one for every scripted key when the model or the prefix carries a hash tag', () => {
    for (const [model, prefix] of [['{sonar}', 'sonar'], ['{demo}', 'tenant-a'], ['demo', '{sonar}'], ['demo', '{sonar.demo}'], ['x{demo}y', 'sonar']] as const) {
      const keys = modelKeys(model, prefix);
      expect(new Set([keys.model, keys.history, keys.epoch].map((key) => calculateSlot(key))).size, `${prefix} ${model}`).toBe(1);
      expect(modelKeysShareSlot(model, prefix)).toBe(true);
      expect(clusterSlotProblem(model, prefix)).toBeUndefined();
    }
  });

  it('is the tag\'s own slot: {demo} keys live where "demo" hashes', () => {
    expect(calculateSlot(modelKeys('{demo}').model)).toBe(calculateSlot('demo'));
  });

  it('differs between the keys of an untagged model, and the problem says what to set', () => {
    expect(modelKeysShareSlot('sonar')).toBe(false);
    expect(clusterSlotProblem('demo', 'sonar')).toMatch(/different slots: name the model with a hash tag, SONAR_MODEL=\{demo\} \(or give REDIS_PREFIX one, e\.g\. \{sonar\}\)$/);
  });

  it('is not shared through an empty tag, which Redis ignores', () => {
    expect(clusterSlotProblem('{}demo', 'sonar')).toMatch(/SONAR_MODEL=\{demo\}/);
  });
});
