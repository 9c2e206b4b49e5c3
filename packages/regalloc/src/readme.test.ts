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
    expect(await runQuickStart(dir)).toEqual([
      'inst 0: p0', 'inst 1: p1', '  move p1 -> p2', 'inst 2: ', 'inst 3: p1, p0, p3', 'inst 4: p3',
      'inst 5: p2, p1, p2', 'inst 6: p1, p1', 'inst 7: ', '  move p2 -> p0', 'inst 8: p0',
    ]);
  });
});
