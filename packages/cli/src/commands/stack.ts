import { Command } from 'commander';
import { LocalStack, type ComponentStatus } from '@sonar/stack';

const say = (message: string) => process.stderr.write(`${message}\n`);

export function stackCommand(): Command {
  const stack = new Command('stack').description('the local stack on 127.0.0.1: Kafka (KRaft, from Maven), Redis, Prometheus');
  stack
    .command('up')
    .description('start what is not running yet (reusing what already answers) and wait until it is ready')
    .option('--no-prometheus', 'do not start Prometheus')
    .action(async (options: { prometheus: boolean }) => {
      const started = Date.now();
      const statuses = await new LocalStack().up(say, { prometheus: options.prometheus });
      printStatus(statuses);
      say(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  stack
    .command('down')
    .description('stop every process the stack started (leaves alone what it reused)')
    .action(async () => {
      await new LocalStack().down(say);
      say('stack down');
    });
  stack
    .command('status')
    .description('what runs where')
    .action(async () => printStatus(await new LocalStack().status()));
  return stack;
}

function printStatus(statuses: ComponentStatus[]): void {
  const rows = statuses.map((s) => [s.name, s.state + (s.pid ? ` (pid ${s.pid})` : ''), s.address, s.detail]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) {
    process.stdout.write(`${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}\n`);
  }
}
