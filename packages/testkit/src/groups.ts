import type { Admin } from 'kafkajs';
import { unsettledGroup } from '@sonar/kafka';
import { eventually } from '@sonar/runtime';

/**
 * Waits until a consumer group is Stable with this many members. A member that misses
 * a rebalance holds the group back until the coordinator drops it (kafkajs' rebalance
 * timeout, 60 s by default) and it joins again, so callers allow for that. A timeout
 * says what the group looked like last.
 */
export async function stableGroup(admin: Admin, groupId: string, members: number, timeoutMs = 120_000): Promise<void> {
  await eventually(
    async () => {
      const unsettled = await unsettledGroup(admin, groupId, members);
      if (unsettled) throw new Error(unsettled);
      return true;
    },
    timeoutMs,
    `${members} members in a stable group ${groupId}`,
  );
}
