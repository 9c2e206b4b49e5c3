/// <reference types="node" />
// `tls_value` (general dynamic): the object's R_390_TLS_GD64 / R_390_TLS_GDCALL relocations are
// resolved by s390x-linux-gnu-gcc's linker (no warnings) and the code finds each thread's own
// variable under qemu-s390x.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, settingsBuilder } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import '../index';

const hasTools = ['s390x-linux-gnu-gcc', 'qemu-s390x'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

const CLIF = `function %tls_addr() -> i64 {
  gv0 = symbol tls %counter
block0:
  v0 = tls_value.i64 gv0
  return v0
}`;

const MAIN = `
#include <pthread.h>
#include <stdio.h>
__thread long counter = 40;
extern long *tls_addr(void);
static void *bump(void *arg) { *tls_addr() += (long)arg; return (void *)*tls_addr(); }
int main(void) {
  pthread_t t;
  void *r;
  pthread_create(&t, 0, bump, (void *)5);
  pthread_join(t, &r);
  *tls_addr() += 2;
  printf("%ld %ld %d\\n", counter, (long)r, tls_addr() == &counter);
  return 0;
}
`;

describe('s390x thread-local variables', () => {
  it('compiles tls_value to the general-dynamic sequence', () => {
    const flags = settingsBuilder().set('tls_model', 'elf_gd').finish();
    const code = buildIsa('s390x', flags).compileFunction(parseClif(CLIF, 't.clif').functions[0].func);
    expect(code.relocations.map((r) => r.kind)).toEqual(['S390xPCRel32Dbl', 'S390xTlsGd64', 'S390xTlsGdCall', 'S390xPLTRel32Dbl']);
  });

  it.skipIf(!hasTools)('links without warnings and gives each thread its own variable (qemu)', () => {
    const flags = settingsBuilder().set('tls_model', 'elf_gd').finish();
    const code = buildIsa('s390x', flags).compileFunction(parseClif(CLIF, 't.clif').functions[0].func);
    const m = new ObjectModule({ target: 's390x' });
    m.defineFunction(m.declareFunction('tls_addr', 'export'), code);
    for (const sym of ['_GLOBAL_OFFSET_TABLE_', '__tls_get_offset', 'counter']) m.declareFunction(sym, 'import');
    const dir = mkdtempSync(join(tmpdir(), 'wl-s390x-tls-'));
    try {
      writeFileSync(join(dir, 'gen.o'), m.finish());
      writeFileSync(join(dir, 'main.c'), MAIN);
      const link = spawnSync('s390x-linux-gnu-gcc', ['-O1', '-pthread', '-o', join(dir, 'prog'), join(dir, 'main.c'), join(dir, 'gen.o')], { encoding: 'utf8' });
      expect(link.stderr).toBe('');
      expect(link.status).toBe(0);
      const run = spawnSync('qemu-s390x', ['-L', '/usr/s390x-linux-gnu', '-cpu', 'max', join(dir, 'prog')], { encoding: 'utf8' });
      expect(run.stdout).toBe('42 45 1\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
