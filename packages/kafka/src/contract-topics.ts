import type { Topics } from '@sonar/contracts';
import type { TopicSpec } from './topics.ts';

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
