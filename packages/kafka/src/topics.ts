import type { Admin, ITopicConfig } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a topic is created when it is missing (the contract's TopicSpec has this shape). */
export interface TopicSpec {
  topic: string;
  partitions: number;
  /** -1: the brokers' default.replication.factor. */
  replication: number;
  configs?: Record<string, string>;
}

/** Creates the topics that do not exist yet; existing ones are left exactly as they are. */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing: ITopicConfig[] = specs
    .filter((spec) => !existing.has(spec.topic))
    .map((spec) => ({
      topic: spec.topic,
      numPartitions: spec.partitions,
      replicationFactor: spec.replication,
      configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
    }));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: false });
  } catch (error) {
    // Another service may have created the same topic a moment ago.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS' && !/already exists/i.test(String(error))) throw error;
  }
  await leadersElected(admin, missing.map((topic) => topic.topic));
  return missing.map((topic) => topic.topic);
}

/** A broker that has not applied the new topic yet (a cluster's others learn of it a moment later) says so. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Until a broker reports a leader for every partition of the topics. kafkajs' own waitForLeaders
 * asks only the broker that took the request and gives up on UNKNOWN_TOPIC_OR_PARTITION, which a
 * broker of a cluster answers until the controller's record reaches it (another broker may still
 * take a moment longer: up to ~150 ms seen on the loaded three-node stack).
 */
async function leadersElected(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      if (described.length === topics.length && described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      // Past its own retries kafkajs wraps the broker's answer.
      const { type, cause } = error as { type?: string; cause?: { type?: string } };
      if (!NOT_YET.has(type ?? cause?.type ?? '')) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')}: no leader for every partition after ${timeoutMs} ms`);
    await sleep(100);
  }
}
