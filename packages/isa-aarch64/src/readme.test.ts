/// <reference types="node" />
// The README's quick start, as written (tools/readme-example.ts): it builds a function, compiles
// it for AArch64, writes sum.o and a C driver, links them with the cross compiler and runs the
// program under qemu-user.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickStart, runQuickStart } from '../../../tools/readme-example';
import { HAVE_QEMU } from './test-support/qemu';

const dir = join(__dirname, '..');

describe('README quick start', () => {
  it('is test-support/readme-example.ts, word for word', () => {
    const { readme, example } = quickStart(dir);
    expect(readme).toBe(example);
  });

  it.skipIf(!HAVE_QEMU)('builds, compiles, writes an object, links and runs under qemu (needs aarch64-linux-gnu-gcc and qemu-aarch64)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'windlass-aarch64-readme-'));
    try {
      expect(await runQuickStart(dir, work)).toEqual(['4950']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
