import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths.ts';

export type ServiceName = 'ingest' | 'trainer' | 'scorer';

/** A service running as its own process, as in production: `sonar <service>`. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, and wait for the exit code; SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/** The `sonar` command as a process, with exactly this environment (plus PATH and HOME); its output piped. */
export function spawnSonar(args: string[], env: Record<string, string>): ChildProcess {
  const root = repoRoot();
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'packages/cli/src/main.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts `sonar <service>` with exactly this environment (plus PATH and HOME), its output in logFile. */
export function startService(service: ServiceName, env: Record<string, string>, logFile: string, label: string = service): ServiceProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawnSonar([service], env);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name: label,
    child,
    logFile,
    exited,
    signal: (signal) => {
      if (running()) child.kill(signal);
    },
    stop: async (graceMs = 20_000) => {
      if (!running()) return exited;
      child.kill('SIGTERM');
      // A SIGSTOPped process would hold the SIGTERM until it is continued.
      child.kill('SIGCONT');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}
