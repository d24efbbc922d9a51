#!/usr/bin/env node
import { Command } from 'commander';
import { stackCommand } from './commands/stack.ts';
import { serviceCommands } from './commands/services.ts';
import { produceCommand } from './commands/produce.ts';
import { fitCommand } from './commands/fit.ts';
import { modelCommand } from './commands/model.ts';
import { tailCommand } from './commands/tail.ts';
import { benchCommand } from './commands/bench.ts';
import { watchCommand } from './commands/watch.ts';
import { demoCommand } from './commands/demo.ts';
import { failureMessage } from './env.ts';

const program = new Command()
  .name('sonar')
  .description('sonar-stream: online logistic regression on Apache Kafka (UCI Sonar, rocks vs mines)')
  .showHelpAfterError()
  .addCommand(demoCommand())
  .addCommand(stackCommand())
  .addCommand(produceCommand())
  .addCommand(fitCommand())
  .addCommand(modelCommand())
  .addCommand(tailCommand())
  .addCommand(watchCommand())
  .addCommand(benchCommand());
for (const command of serviceCommands()) program.addCommand(command);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`sonar: ${failureMessage(error)}\n`);
  process.exitCode = 1;
});
