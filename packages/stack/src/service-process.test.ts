import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.ts';
import { SERVICE_NODE_FLAGS } from './service-process.ts';

const read = (file: string) => readFileSync(join(repoRoot(), file), 'utf8');

describe('SERVICE_NODE_FLAGS', () => {
  it('are what `pnpm sonar` runs with', () => {
    const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.sonar!;
    expect(script).toBe(`node ${SERVICE_NODE_FLAGS.join(' ')} --import tsx packages/cli/src/main.ts`);
  });

  it('are what the image runs every service with', () => {
    const entrypoint = /^ENTRYPOINT (.+)$/m.exec(read('Dockerfile'))?.[1];
    expect(JSON.parse(entrypoint!)).toEqual(['node', ...SERVICE_NODE_FLAGS, '--import', 'tsx', 'packages/cli/src/main.ts']);
  });

  it('are accepted by this Node and give the young generation its room', () => {
    // The semi-space grows to its maximum under allocation: churn, then read its size.
    const churn = "let k=[];for(let i=0;i<4e6;i++){k.push({i});if(k.length>3e5)k=[]}const s=require('v8').getHeapSpaceStatistics().find(s=>s.space_name==='new_space');console.log(s.space_size)";
    const withFlags = Number(execFileSync(process.execPath, [...SERVICE_NODE_FLAGS, '-e', churn], { encoding: 'utf8' }));
    const without = Number(execFileSync(process.execPath, ['-e', churn], { encoding: 'utf8' }));
    expect(withFlags).toBeGreaterThan(without);
  });

  it('start the young generation at its full size', () => {
    // Before any allocation: V8 would start it at a fraction of its maximum and grow it.
    const atStart = "const s=require('v8').getHeapSpaceStatistics().find(s=>s.space_name==='new_space');console.log(s.space_size)";
    const withFlags = Number(execFileSync(process.execPath, [...SERVICE_NODE_FLAGS, '-e', atStart], { encoding: 'utf8' }));
    const without = Number(execFileSync(process.execPath, ['-e', atStart], { encoding: 'utf8' }));
    expect(withFlags).toBeGreaterThanOrEqual(64 * 2 ** 20);
    expect(without).toBeLessThan(withFlags);
  });
});
