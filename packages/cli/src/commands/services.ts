import { DEFAULT_PORTS } from '@sonar/contracts';
import { Command } from 'commander';
import type { RunningService } from '@sonar/runtime';
import { runIngest } from '@sonar/ingest';
import { runTrainer } from '@sonar/trainer';
import { runScorer } from '@sonar/scorer';

type Runner = (env: NodeJS.ProcessEnv, options: { handleSignals: boolean }) => Promise<RunningService>;

/** `sonar ingest|trainer|scorer`: one service in the foreground, configured by the environment. */
export function serviceCommands(): Command[] {
  const services: [string, string, Runner][] = [
    ['ingest', `HTTP POST /readings onto Kafka (port INGEST_PORT, default ${DEFAULT_PORTS.ingest})`, runIngest],
    ['trainer', `mini-batch gradient descent on sonar.readings, checkpoints in Redis (port TRAINER_PORT, default ${DEFAULT_PORTS.trainer})`, runTrainer],
    ['scorer', `classifies every reading with the newest model onto sonar.classified (port SCORER_PORT, default ${DEFAULT_PORTS.scorer})`, runScorer],
  ];
  return services.map(([name, description, run]) => {
    const command = new Command(name).description(`${description}; configured by environment variables (see the README)`);
    if (name === 'trainer') {
      command.option('--role <role>', 'parallel mode (TRAIN_MODE=parallel): worker (gradients from readings, any number) or applier (one active: applies them, checkpoints); same as TRAINER_ROLE');
    }
    return command.action(async (options: { role?: string }) => {
      const env = options.role === undefined ? process.env : { ...process.env, TRAINER_ROLE: options.role };
      const service = await run(env, { handleSignals: true });
      await service.done;
    });
  });
}
