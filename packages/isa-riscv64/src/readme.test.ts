/// <reference types="node" />
// The README's example, kept true: compile, write an object, link it with C and run it under qemu.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFunction } from '@windlass/ir';
import { buildIsa } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import './index';

const haveCross = spawnSync('riscv64-linux-gnu-gcc', ['--version']).status === 0 && spawnSync('qemu-riscv64', ['--version']).status === 0;

describe('isa-riscv64 README example', () => {
  const f = parseFunction(`function %sum(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = iadd v0, v1
    return v2
}`);
  const code = buildIsa('riscv64 has_c').compileFunction(f, { wantListing: true });

  it('compiles to compressed instructions', () => {
    expect(code.listing).toBe('  0000:  add a0,a0,a1\n  0002:  jr ra');
    expect(Array.from(code.bytes)).toEqual([0x2e, 0x95, 0x82, 0x80]);
  });

  it.skipIf(!haveCross)('links with riscv64-linux-gnu-gcc and runs under qemu', () => {
    const m = new ObjectModule({ target: 'riscv64' });
    m.defineFunction(m.declareFunction('sum', 'export'), { bytes: code.bytes, relocs: code.relocations, unwind: code.unwind });
    const dir = mkdtempSync(join(tmpdir(), 'windlass-rv-readme-'));
    try {
      writeFileSync(join(dir, 'sum.o'), m.finish());
      writeFileSync(join(dir, 'main.c'), '#include <stdio.h>\nlong sum(long, long);\nint main(void) { printf("%ld\\n", sum(40, 2)); return 0; }\n');
      const cc = spawnSync('riscv64-linux-gnu-gcc', ['-o', join(dir, 'a.out'), join(dir, 'main.c'), join(dir, 'sum.o')], { encoding: 'utf8' });
      expect(cc.stderr).toBe('');
      const run = spawnSync('qemu-riscv64', ['-L', '/usr/riscv64-linux-gnu', join(dir, 'a.out')], { encoding: 'utf8' });
      expect(run.stdout).toBe('42\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
