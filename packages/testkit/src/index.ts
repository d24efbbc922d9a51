export { RunScope, type ScopeTarget } from './scope.ts';
export { checkpointStore, fittedTheta, trained, writeModel, type ModelToWrite } from './models.ts';
export { fullBatches, plannedTrainable, produceReadings, sonarRows, type ProduceOptions } from './produce.ts';
export { readTopic, type ReadOptions } from './topics.ts';
export { runSonar, type SonarRun } from './sonar.ts';
export { metricValue } from './metrics.ts';
export { DETERMINISTIC_TRAINING } from './training.ts';
export { eventually } from '@sonar/runtime';
export { freePort, type ServiceName, type ServiceProcess } from '@sonar/stack';
