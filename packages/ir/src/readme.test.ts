/// <reference types="node" />
// The README's quick start, as written: its first TypeScript block is
// test-support/readme-example.ts (tools/readme-example.ts), run here.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickStart, runQuickStart } from '../../../tools/readme-example';

const dir = join(__dirname, '..');

describe('README quick start', () => {
  it('is test-support/readme-example.ts, word for word', () => {
    const { readme, example } = quickStart(dir);
    expect(readme).toBe(example);
  });

  it('runs and prints what its comments say', async () => {
    expect(await runQuickStart(dir)).toEqual(['0', 'iadd 0 1', 'return 2', 'function %add(i32, i32) -> i32 fast {\nblock0(v0: i32, v1: i32):\n    v2 = iadd v0, v1\n    return v2\n}\n']);
  });
});
