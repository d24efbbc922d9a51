import { spawnSync } from 'node:child_process';

/**
 * The first Python that imports every one of `modules`, or undefined: for the tests
 * against other languages' libraries and for the bench's Python baseline. Debian's
 * python3-* packages install for /usr/bin/python3, and a python3 on PATH may be another one.
 */
export function pythonWith(modules: readonly string[]): string | undefined {
  return ['/usr/bin/python3', 'python3'].find((python) => spawnSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0);
}
