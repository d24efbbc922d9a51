import type { Topics } from './topics.ts';

/** How a topic is created when it is missing. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  replication: number;
  /** Topic configs, e.g. { 'cleanup.policy': 'compact' }. */
  configs?: Record<string, string>;
}

/** The contract's topics as services create them; sonar.models is compacted (the latest version per model). */
export function contractTopics(topics: Topics, partitions: number, replication: number): TopicSpec[] {
  const spec = (topic: string): TopicSpec => ({ topic, partitions, replication });
  return [
    spec(topics.readings),
    spec(topics.classified),
    spec(topics.deadLetters),
    { topic: topics.models, partitions: 1, replication, configs: { 'cleanup.policy': 'compact' } },
  ];
}

/** Parallel training's gradient topic, created by its workers and applier only (exact mode has no use for it). */
export function gradientTopic(topics: Topics, partitions: number, replication: number): TopicSpec {
  return { topic: topics.gradients, partitions, replication };
}
