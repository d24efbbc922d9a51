import { Command } from 'commander';
import { BENCH_MODES, runBench } from '@sonar/bench';
import { commandEnv } from '../env.ts';

export function benchCommand(): Command {
  return new Command('bench')
    .description('benchmarks with their baselines measured side by side in the same run: produce, trainer, scorer, latency, propagation, memory')
    .option('--quick', `a short run (${BENCH_MODES.quick.readings.toLocaleString('en-US')} readings, under two minutes) that keeps the harness working`, false)
    .option('--out <file>', 'where to write the results as JSON (default: .sonar/bench/<run>/results.json)')
    .action(async (flags: { quick: boolean; out?: string }) => {
      const env = commandEnv();
      await runBench({
        mode: flags.quick ? 'quick' : 'full',
        brokers: env.KAFKA_BROKERS,
        redisUrl: env.REDIS_URL,
        ...(flags.out ? { out: flags.out } : {}),
        say: (message) => process.stderr.write(`bench: ${message}\n`),
      });
    });
}
