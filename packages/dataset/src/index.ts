export { loadSonar, sonarLines, SONAR_CSV_PATH, SONAR_CSV_SHA256 } from './load.ts';
export { parseSonarFile } from './parse.ts';
