/// <reference types="node" />
// The README's quick start, as written (tools/readme-example.ts): it compiles a function, writes
// sum.o and a C driver, links them with the cross compiler and runs them under qemu.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickStart, runQuickStart } from '../../../tools/readme-example';

const dir = join(__dirname, '..');
const haveCross = spawnSync('riscv64-linux-gnu-gcc', ['--version']).status === 0 && spawnSync('qemu-riscv64', ['--version']).status === 0;

describe('README quick start', () => {
  it('is test-support/readme-example.ts, word for word', () => {
    const { readme, example } = quickStart(dir);
    expect(readme).toBe(example);
  });

  it.skipIf(!haveCross)('compiles, writes an object, links with riscv64-linux-gnu-gcc and runs under qemu', async () => {
    const work = mkdtempSync(join(tmpdir(), 'windlass-rv-readme-'));
    try {
      expect(await runQuickStart(dir, work)).toEqual(['4950']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
