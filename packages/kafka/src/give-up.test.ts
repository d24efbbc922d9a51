import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { giveUpPartitionsWhen } from './give-up.ts';

describe('giveUpPartitionsWhen', () => {
  it('fails with the reason once there is one, and not before', async () => {
    let asked = 0;
    const failing = firstValueFrom(giveUpPartitionsWhen(() => (++asked >= 3 ? 'Redis down for 61 s' : undefined), 5));
    await expect(failing).rejects.toThrow('Redis down for 61 s: giving up the partitions');
    expect(asked).toBe(3);
  });
});
