export { runScorer } from './main.ts';
export { classify } from './stages/score.ts';
