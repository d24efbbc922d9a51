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

/**
 * The V8 flags a service runs with (`pnpm sonar` and the image's entrypoint pass the same).
 * A young generation of 2 × 64 MiB rather than V8's 2 × 16 MiB: a service holds a fetched
 * batch or two, thousands of records' objects, while it works on them; with the default
 * they outlive a scavenge or two, are promoted, and the old generation's collector sweeps
 * what was only briefly alive. Measured on the trainer: garbage collection from 17 % to 8 %
 * of its time, and 10–20 % more readings/s (docs/benchmarks.md).
 * It starts at that size too: V8 otherwise starts it at 1 MiB and grows it step by step, so
 * for its first seconds a service promotes what it would not later, and its RSS climbs as
 * the space grows; from the start, the trainer learns 15–25 % faster on a backlog and its
 * RSS stays flat, for about 100 MiB more of it.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--min-semi-space-size=64'];

/** The `sonar` command as a process, with exactly this environment (plus PATH and HOME); its output piped. */
export function spawnSonar(args: string[], env: Record<string, string>, nodeFlags: readonly string[] = []): ChildProcess {
  const root = repoRoot();
  return spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(root, 'packages/cli/src/main.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts `sonar <service>` with exactly this environment (plus PATH and HOME), its output in logFile. */
export function startService(service: ServiceName, env: Record<string, string>, logFile: string, label: string = service): ServiceProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawnSonar([service], env, SERVICE_NODE_FLAGS);
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
