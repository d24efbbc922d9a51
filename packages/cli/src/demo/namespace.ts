import { topicsFrom, type Topics } from '@sonar/contracts';

/**
 * The demo works in its own namespace (model, topics), reset at every run, so it
 * never touches the default sonar.* topics or the "sonar" model.
 */
export interface DemoNamespace {
  model: string;
  topics: Topics;
}

export function demoNamespace(name: string): DemoNamespace {
  return {
    model: name,
    topics: topicsFrom({
      TOPIC_READINGS: `${name}.readings`,
      TOPIC_CLASSIFIED: `${name}.classified`,
      TOPIC_DLQ: `${name}.readings.dlq`,
      TOPIC_MODELS: `${name}.models`,
      TOPIC_GRADIENTS: `${name}.gradients`,
    }),
  };
}

/**
 * `sonar demo --shadow`'s challenger: its own model name, hence its own consumer group, Redis keys
 * and key in the models topic, on the serving namespace's readings. Its own dead-letter topic: the
 * records it rejects are the serving trainer's too, counted once in the summary.
 */
export function challengerNamespace(serving: DemoNamespace): DemoNamespace {
  const own = demoNamespace(`${serving.model}-challenger`);
  return { model: own.model, topics: { ...serving.topics, deadLetters: own.topics.deadLetters } };
}
