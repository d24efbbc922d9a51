import { spawnSonar } from '@sonar/stack';

export interface SonarRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A `sonar` command as a user runs it, with exactly this environment (plus PATH and HOME); killed after `timeoutMs`. */
export function runSonar(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<SonarRun> {
  const child = spawnSonar(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}
