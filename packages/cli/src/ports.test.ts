import { describe, expect, it } from 'vitest';
import { servicePort } from './ports.ts';

describe('servicePort', () => {
  it('takes the port variable when it names a port, and the default otherwise, never throwing', () => {
    expect(servicePort('TRAINER_PORT', 9101, { TRAINER_PORT: '9200' })).toBe(9200);
    expect(servicePort('TRAINER_PORT', 9101, {})).toBe(9101);
    // 0: the service takes a port the system picks; a command cannot know it.
    expect(servicePort('TRAINER_PORT', 9101, { TRAINER_PORT: '0' })).toBe(9101);
    expect(servicePort('SCORER_PORT', 9102, { SCORER_PORT: 'many' })).toBe(9102);
    expect(servicePort('TRAINER_SHADOW_PORT', 9106, { TRAINER_SHADOW_PORT: '9123', TRAINER_PORT: '9121' })).toBe(9123);
  });
});
