/// <reference types="node" />
// The README's quick start, as written (tools/readme-example.ts): it builds a function,
// compiles it for s390x, writes dot.o and a C driver, links them with the cross compiler and
// runs them under qemu-s390x.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickStart, runQuickStart } from '../../../tools/readme-example';

const dir = join(__dirname, '..');
const hasCross = ['s390x-linux-gnu-gcc', 'qemu-s390x'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

describe('README quick start', () => {
  it('is test-support/readme-example.ts, word for word', () => {
    const { readme, example } = quickStart(dir);
    expect(readme).toBe(example);
  });

  it.skipIf(!hasCross)('builds, compiles, writes an object, links and runs under qemu (needs s390x-linux-gnu-gcc, qemu-s390x)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'windlass-s390x-readme-'));
    try {
      expect(await runQuickStart(dir, work)).toEqual(['70']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
