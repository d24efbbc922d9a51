import type { OptimizerConfig } from './config.ts';

/** Learning rate for step t (1-based). */
export function learningRate(config: OptimizerConfig, t: number): number {
  return config.schedule === 'inverse-sqrt' ? config.alpha / Math.sqrt(t) : config.alpha;
}
