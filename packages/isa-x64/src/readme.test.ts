/// <reference types="node" />
// The README's quick start, as written (tools/readme-example.ts): it builds a function, compiles
// it, writes sum.o and a C driver, links and runs them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickStart, runQuickStart } from '../../../tools/readme-example';

const dir = join(__dirname, '..');
const hasCc = process.arch === 'x64' && process.platform === 'linux' && spawnSync('cc', ['--version']).status === 0;

describe('README quick start', () => {
  it('is test-support/readme-example.ts, word for word', () => {
    const { readme, example } = quickStart(dir);
    expect(readme).toBe(example);
  });

  it.skipIf(!hasCc)('builds, compiles, writes an object, links and runs (needs cc on x86-64 Linux)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'windlass-x64-readme-'));
    try {
      expect(await runQuickStart(dir, work)).toEqual(['4950']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
