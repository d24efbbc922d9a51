import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

export const SINGLE_ACTIVE = 'SonarSingleActive';

/**
 * One model has one theta, so one trainer per model learns at a time: this assigner
 * gives every partition to a single member and leaves the others standing by.
 * Members announce the fencing epoch they hold; the highest keeps the partitions
 * (so a paused "zombie" that comes back does not take them from its successor).
 */
export function singleActiveAssigner(currentEpoch: () => number): PartitionAssigner {
  return ({ cluster }): Assigner => ({
    name: SINGLE_ACTIVE,
    version: 1,
    protocol: ({ topics }) => ({
      name: SINGLE_ACTIVE,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(String(currentEpoch())) }),
    }),
    assign: async ({ members, topics }) => {
      const ranked = members
        .map((member) => {
          const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
          return { memberId: member.memberId, epoch: Number(metadata?.userData.toString() || 0) };
        })
        .sort((a, b) => b.epoch - a.epoch || a.memberId.localeCompare(b.memberId));
      const assignment = Object.fromEntries(
        topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId)]),
      );
      return ranked.map((member, index) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: index === 0 ? assignment : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}
