import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { decodeClassified, encodeReadingJson } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import { ModelHolder } from '@sonar/store';
import { scoreBatch } from './score.ts';

function batchOf(values: string[]): ConsumedBatch {
  const messages = values.map((value, i) => ({ key: null, value: Buffer.from(value), offset: String(100 + i), timestamp: '1795000000000' }) as unknown as KafkaMessage);
  return { topic: 'readings', partition: 2, messages, highWatermark: '200', isStale: () => false, release: () => undefined };
}

const reading = (features: number[], extra: object = {}) => encodeReadingJson({ id: undefined, features: Float64Array.from(features), label: undefined, holdout: false, ts: undefined, ...extra });

describe('scoreBatch', () => {
  const holder = new ModelHolder(() => undefined);
  const theta = new Float64Array(61).fill(0.5);
  holder.offer({ version: 7, theta, updatedAt: 1795000000000 });
  const score = scoreBatch(holder, { model: 'sonar', maxReadingBytes: 65_536, now: () => 1795000000123 });

  it('classifies valid readings with P(rock) = sigmoid(theta · [1, x]) and names unnamed ones by position', () => {
    const scored = score(batchOf([reading(Array(60).fill(0)), reading(Array(60).fill(-1), { id: 'r-9', label: 'M', holdout: true })]));
    expect(scored.events).toEqual([
      expect.objectContaining({ id: 'readings-2-100', label: 'R', class: 'rock', probability: 1 / (1 + Math.exp(-0.5)), modelVersion: 7, readingTs: 1795000000000, scoredAt: 1795000000123 }),
      expect.objectContaining({ id: 'r-9', label: 'M', class: 'mine', trueLabel: 'M', holdout: true }),
    ]);
    expect(decodeClassified(scored.messages[1]!.value!.toString())).toEqual(scored.events[1]);
    expect(scored.propagationMs).toBe(123);
  });

  it('dead-letters a valid reading the model cannot score, instead of writing NaN', () => {
    const large = new ModelHolder(() => undefined);
    large.offer({ version: 8, theta: new Float64Array(61).fill(4), updatedAt: 1795000000000 });
    // 4 · 1e308 overflows to Infinity and 4 · -1e308 to -Infinity: their sum is NaN.
    const huge = Array(60).fill(0);
    huge[0] = 1e308;
    huge[1] = -1e308;
    const scored = scoreBatch(large, { model: 'sonar', maxReadingBytes: 65_536, now: () => 0 })(batchOf([reading(huge), 'not a reading']));
    expect(scored.events).toEqual([]);
    expect(scored.rejected.map((r) => r.reason).sort()).toEqual(['unscorable', 'wrong_feature_count']);
  });

  it('with a shadow model, scores the same rows with it too, for comparison only', () => {
    const shadow = new ModelHolder(() => undefined);
    const shadowTheta = new Float64Array(61).fill(-0.5);
    const rows = [Array(60).fill(0), Array(60).fill(0.1)];
    const none = scoreBatch(holder, { model: 'sonar', maxReadingBytes: 65_536, now: () => 0, shadow })(batchOf(rows.map((r) => reading(r))));
    expect(none.shadow).toBeUndefined();
    shadow.offer({ version: 3, theta: shadowTheta, updatedAt: 0 });
    const scored = scoreBatch(holder, { model: 'sonar', maxReadingBytes: 65_536, now: () => 0, shadow })(batchOf([...rows.map((r) => reading(r)), 'not a reading']));
    expect(scored.events.map((e) => e.modelVersion)).toEqual([7, 7]);
    expect(scored.shadow!.version).toBe(3);
    expect(Array.from(scored.shadow!.probabilities)).toEqual(rows.map((r) => 1 / (1 + Math.exp(0.5 + 0.5 * r.reduce((a, b) => a + b, 0)))).map((p) => expect.closeTo(p, 12)));
    expect(scored.shadow!.servingSeconds).toBeGreaterThanOrEqual(0);
    expect(scored.shadow!.shadowSeconds).toBeGreaterThanOrEqual(0);
  });
});
