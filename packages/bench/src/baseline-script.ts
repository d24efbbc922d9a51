import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@sonar/stack';

/**
 * A baseline script of this package as its own process (as the services run in
 * theirs); resolves with its last stdout line parsed as JSON. `stopAfter` sends it
 * SIGTERM when it settles.
 */
export function runBaseline<T>(file: string, env: Record<string, string>, stopAfter?: Promise<unknown>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))], {
    cwd: repoRoot(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  void stopAfter?.then(() => child.kill('SIGTERM'));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code === 0 && last) resolve(JSON.parse(last) as T);
      else reject(new Error(`${file} exited with ${code}`));
    }),
  );
}
