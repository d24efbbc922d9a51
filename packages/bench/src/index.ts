export { BENCH_MODES, runBench, type BenchMode, type BenchOptions } from './run.ts';
export type { BenchResults } from './report.ts';
export { runHaBench, renderHaComparison, type HaComparison, type HaBenchOptions } from './ha-compare.ts';
