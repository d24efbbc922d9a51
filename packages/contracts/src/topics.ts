/** Default topic names of the public contract; each is overridable by the env variable of the same key. */
export const DEFAULT_TOPICS = {
  TOPIC_READINGS: 'sonar.readings',
  TOPIC_CLASSIFIED: 'sonar.classified',
  TOPIC_DLQ: 'sonar.readings.dlq',
  TOPIC_MODELS: 'sonar.models',
  TOPIC_GRADIENTS: 'sonar.gradients',
} as const;

export interface Topics {
  readings: string;
  classified: string;
  deadLetters: string;
  models: string;
  /** Parallel training: the workers' gradient records, applied by the applier. */
  gradients: string;
}

export function topicsFrom(env: Partial<Record<keyof typeof DEFAULT_TOPICS, string>>): Topics {
  return {
    readings: env.TOPIC_READINGS ?? DEFAULT_TOPICS.TOPIC_READINGS,
    classified: env.TOPIC_CLASSIFIED ?? DEFAULT_TOPICS.TOPIC_CLASSIFIED,
    deadLetters: env.TOPIC_DLQ ?? DEFAULT_TOPICS.TOPIC_DLQ,
    models: env.TOPIC_MODELS ?? DEFAULT_TOPICS.TOPIC_MODELS,
    gradients: env.TOPIC_GRADIENTS ?? DEFAULT_TOPICS.TOPIC_GRADIENTS,
  };
}

/** The environment variables that name these topics: the inverse of topicsFrom. */
export function topicsEnv(topics: Topics): Record<keyof typeof DEFAULT_TOPICS, string> {
  return {
    TOPIC_READINGS: topics.readings,
    TOPIC_CLASSIFIED: topics.classified,
    TOPIC_DLQ: topics.deadLetters,
    TOPIC_MODELS: topics.models,
    TOPIC_GRADIENTS: topics.gradients,
  };
}

/** Consumer groups: one per service and model, so models train and score side by side. */
export const consumerGroups = {
  trainer: (model: string) => `sonar-trainer-${model}`,
  scorer: (model: string) => `sonar-scorer-${model}`,
  /** Parallel mode: the gradient workers share the readings' partitions... */
  worker: (model: string) => `sonar-workers-${model}`,
  /** ...and one applier (standbys waiting) consumes their gradients. */
  applier: (model: string) => `sonar-applier-${model}`,
};
