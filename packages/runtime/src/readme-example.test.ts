/// <reference types="node" />
// The README's quick start, as written: its first TypeScript block is
// test-support/readme-example.ts (tools/readme-example.ts), run here when the loader can run.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickStart, runQuickStart } from '../../../tools/readme-example';
import { canRun } from './test-support/artifacts';

const dir = join(__dirname, '..');

describe('README quick start', () => {
  it('is test-support/readme-example.ts, word for word', () => {
    const { readme, example } = quickStart(dir);
    expect(readme).toBe(example);
  });

  it.runIf(canRun)('compiles, loads, calls and traps as its comments say', async () => {
    expect(await runQuickStart(dir)).toEqual(["[ { type: 'i32', value: 42 } ]", 'integer divide by zero']);
  });
});
