export { runIngest } from './main.ts';
export { ReadingPublisher } from './publisher.ts';
export { DRIFT_KINDS, drifted, holdoutRows, plannedCount, replayPlan, sonarSourceRows, type Drift, type PlannedReading, type ReplayOptions, type SourceRow } from './replay/plan.ts';
export { produce, type ProduceProgress, type ProduceOptions } from './replay/produce.ts';
export { httpSink, kafkaSink, type ReadingSink } from './replay/sinks.ts';
