import type { Admin } from 'kafkajs';

/**
 * Undefined when the consumer group is Stable with exactly `members` members; else what
 * it is instead (state, members and their client ids), for a wait to say why it waits.
 */
export async function unsettledGroup(admin: Admin, groupId: string, members: number): Promise<string | undefined> {
  const [group] = (await admin.describeGroups([groupId])).groups;
  if (group?.state === 'Stable' && group.members.length === members) return undefined;
  return `group ${groupId} is ${group?.state ?? 'unknown'} with ${group?.members.length ?? 0} of ${members} members (${group?.members.map((m) => m.clientId).join(', ') ?? ''})`;
}
