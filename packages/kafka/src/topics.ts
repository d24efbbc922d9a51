import type { Admin, ITopicConfig } from 'kafkajs';

/** How a topic is created when it is missing (the contract's TopicSpec has this shape). */
export interface TopicSpec {
  topic: string;
  partitions: number;
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
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another service may have created the same topic a moment ago.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS' && !/already exists/i.test(String(error))) throw error;
  }
  return missing.map((topic) => topic.topic);
}
