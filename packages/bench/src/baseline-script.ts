import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot, SERVICE_NODE_FLAGS } from '@sonar/stack';

/**
 * A baseline script of this package as its own process (as the services run in
 * theirs, with their Node flags: the baseline differs from them only in its work);
 * resolves with its last stdout line parsed as JSON. `stopAfter` sends it SIGTERM
 * when it settles.
 */
export function runBaseline<T>(file: string, env: Record<string, string>, stopAfter?: Promise<unknown>): Promise<T> {
  return lastJsonLine<T>(file, spawnWith(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))], env), stopAfter);
}

/** The same for a Python baseline of this package (`python/<file>`), run by `python`. */
export function runPythonBaseline<T>(python: string, file: string, env: Record<string, string>): Promise<T> {
  return lastJsonLine<T>(file, spawnWith(python, [fileURLToPath(new URL(`../python/${file}`, import.meta.url))], env));
}

function spawnWith(command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command, args, {
    cwd: repoRoot(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function lastJsonLine<T>(file: string, child: ChildProcess, stopAfter?: Promise<unknown>): Promise<T> {
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  void stopAfter?.then(() => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code === 0 && last) resolve(JSON.parse(last) as T);
      else reject(new Error(`${file} exited with ${code}`));
    });
  });
}
