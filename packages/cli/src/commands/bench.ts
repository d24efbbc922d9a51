import { Command } from 'commander';
import { BENCH_MODES, runBench, runHaBench } from '@sonar/bench';
import { commandEnv } from '../env.ts';

export function benchCommand(): Command {
  return new Command('bench')
    .description('benchmarks with their baselines measured side by side in the same run: produce, trainer, scorer, latency, propagation, memory')
    .option('--quick', `a short run (${BENCH_MODES.quick.readings.toLocaleString('en-US')} readings, under two minutes) that keeps the harness working`, false)
    .option('--ha', 'instead: produce, trainer and scorer on the single-node stack, then on a throwaway HA stack (three brokers, Redis through Sentinels), side by side', false)
    .option('--out <file>', 'where to write the results as JSON (default: .sonar/bench/<run>/results.json)')
    .action(async (flags: { quick: boolean; ha: boolean; out?: string }) => {
      const env = commandEnv();
      const say = (message: string) => process.stderr.write(`bench: ${message}\n`);
      if (flags.ha) {
        const readings = BENCH_MODES[flags.quick ? 'quick' : 'full'].readings;
        await runHaBench({ readings, brokers: env.KAFKA_BROKERS, redisUrl: env.REDIS_URL, ...(flags.out ? { out: flags.out } : {}), say });
        return;
      }
      await runBench({
        mode: flags.quick ? 'quick' : 'full',
        brokers: env.KAFKA_BROKERS,
        redisUrl: env.REDIS_URL,
        ...(flags.out ? { out: flags.out } : {}),
        say,
      });
    });
}
