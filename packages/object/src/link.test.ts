/// <reference types="node" />
// Objects written by ObjectModule, linked by the system `cc` with a C main, run natively.
import { afterAll, describe, expect, it } from 'vitest';
import { ObjectModule } from './module';
import { hasTool, nativeX86_64, readelf, Scratch } from './test-support/toolchain';
import { ADD, BUMP, CALL_TWICE, COPY4, GEN_A, GEN_B, GET_ANSWER, LOAD_C_GLOBAL, TLS_INC } from './test-support/x86';

const canLink = nativeX86_64 && hasTool('cc') && hasTool('readelf');
const canDebug = canLink && hasTool('gdb');
const scratches: Scratch[] = [];
const scratch = () => {
  const s = new Scratch();
  scratches.push(s);
  return s;
};
afterAll(() => scratches.forEach((s) => s.dispose()));

function sampleObject(): Uint8Array {
  const m = new ObjectModule({ target: 'x86_64', name: 'sample' });
  m.defineFunction(m.declareFunction('add', 'export'), ADD);
  m.declareFunction('c_helper', 'import');
  m.defineFunction(m.declareFunction('call_twice', 'export'), CALL_TWICE);
  m.defineData(m.declareData('answer', 'local'), { bytes: new Uint8Array([42, 0, 0, 0]), align: 4 });
  m.defineFunction(m.declareFunction('get_answer', 'export'), GET_ANSWER);
  m.defineData(m.declareData('counter', 'hidden', { writable: true }), { zeroInit: 4, align: 4 });
  m.defineFunction(m.declareFunction('bump', 'export'), BUMP);
  m.declareData('c_global', 'import');
  m.defineFunction(m.declareFunction('load_c_global', 'export'), LOAD_C_GLOBAL);
  // The same load through a plain (non-relaxable) GOTPCREL.
  m.defineFunction(m.declareFunction('load_c_global_plain', 'export'), {
    ...LOAD_C_GLOBAL, relocs: LOAD_C_GLOBAL.relocs!.map((r) => ({ ...r, kind: 'X86GOTPCRel4' as const })),
  });
  m.defineFunction(m.declareFunction('copy4', 'export'), COPY4);
  // A read-only table of function pointers (ends up in .data.rel.ro) and a writable one.
  m.declareFunction('c_mul', 'import');
  const abs8 = (offset: number, name: string) => ({ offset, kind: 'Abs8' as const, target: { kind: 'symbol' as const, name }, addend: 0 });
  m.defineData(m.declareData('fn_table', 'export'), { bytes: new Uint8Array(16), align: 8, relocs: [abs8(0, 'add'), abs8(8, 'c_mul')] });
  const greeting = new Uint8Array([...'hello\0'].map((c) => c.charCodeAt(0)));
  m.defineData(m.declareData('greeting', 'local'), { bytes: greeting });
  m.defineData(m.declareData('greeting_ptr', 'export', { writable: true }), {
    bytes: new Uint8Array(8), align: 8, relocs: [{ offset: 0, kind: 'Abs8', target: { kind: 'symbol', name: 'greeting' }, addend: 1 }],
  });
  return m.finish();
}

const SAMPLE_MAIN = `
#include <stdio.h>
int add(int, int);
int call_twice(int);
int get_answer(void);
int bump(void);
int load_c_global(void);
int load_c_global_plain(void);
void copy4(void *, const void *);
extern int (*const fn_table[2])(int, int);
extern const char *greeting_ptr;
int c_global = 1234;
int c_helper(int y) { return y * 10 + 1; }
int c_mul(int a, int b) { return a * b; }
int main(void) {
  int dst = 0, src = 0x01020304;
  bump();
  copy4(&dst, &src);
  printf("%d %d %d %d %d %d %d %s %x %d\\n", add(2, 3), call_twice(5), get_answer(), bump(), load_c_global(),
         fn_table[0](20, 22), fn_table[1](6, 7), greeting_ptr, dst, load_c_global_plain());
  return 0;
}
`;

describe.skipIf(!canLink)('linking with cc (x86-64; skipped unless cc and readelf run on an x86-64 Linux host)', () => {
  it('links without a warning and runs', () => {
    const s = scratch();
    const link = s.link(SAMPLE_MAIN, { 'sample.o': sampleObject() });
    expect(link.stderr).toBe('');
    expect(link.status).toBe(0);
    const run = s.run();
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('5 106 42 2 1234 42 42 ello 1020304 1234\n');
  });

  it('satisfies readelf without complaint', () => {
    const s = scratch();
    const file = s.write('sample.o', sampleObject());
    const r = readelf(s, file, ['-a', '-W', '--debug-dump=frames']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/warning|error|corrupt/i);
    expect(r.stdout).toMatch(/R_X86_64_PLT32\s+0+\s+add - 4/);
    expect(r.stdout).toMatch(/R_X86_64_REX_GOTPCRELX\s+0+\s+c_global - 4/);
    expect(r.stdout).toMatch(/R_X86_64_GOTPCREL\s+0+\s+c_global - 4/);
    expect(r.stdout).toMatch(/R_X86_64_64\s+0+\s+c_mul \+ 0/);
    expect(r.stdout).toMatch(/\.note\.GNU-stack/);
    // The FDE of call_twice: CFA moves to rsp+16 after `push rbx`, rbx saved at cfa-16.
    expect(r.stdout).toMatch(/DW_CFA_def_cfa_offset: 16\s+DW_CFA_offset: r3 \(rbx\) at cfa-16/);
  });
});

/**
 * f0(x) = x; f_i(x) = f_{i-1}(x) + i, each calling the previous through PLT32, every other one
 * local, plus a table of pointers to all of them.
 */
function chainObject(n: number): Uint8Array {
  const m = new ObjectModule({ target: 'x86_64' });
  const name = (i: number) => `f${i}`;
  const ids = Array.from({ length: n + 1 }, (_, i) => m.declareFunction(name(i), i % 2 === 1 && i !== n ? 'local' : 'export'));
  m.defineFunction(ids[0], { bytes: new Uint8Array([0x89, 0xf8, 0xc3]) }); // mov eax, edi; ret
  for (let i = 1; i <= n; i++) {
    // sub rsp, 8; call f_{i-1}; add eax, imm32; add rsp, 8; ret
    const bytes = new Uint8Array([0x48, 0x83, 0xec, 0x08, 0xe8, 0, 0, 0, 0, 0x05, 0, 0, 0, 0, 0x48, 0x83, 0xc4, 0x08, 0xc3]);
    new DataView(bytes.buffer).setInt32(10, i, true);
    m.defineFunction(ids[i], {
      bytes,
      relocs: [{ offset: 5, kind: 'X86CallPLTRel4', target: { kind: 'symbol', name: name(i - 1) }, addend: -4 }],
      unwind: { rows: [{ offset: 4, op: { kind: 'def_cfa_offset', offset: 16 } }, { offset: 18, op: { kind: 'def_cfa_offset', offset: 8 } }] },
    });
  }
  m.defineData(m.declareData('chain_table', 'export'), {
    bytes: new Uint8Array(8 * (n + 1)), align: 8,
    relocs: Array.from({ length: n + 1 }, (_, i) => ({ offset: 8 * i, kind: 'Abs8' as const, target: { kind: 'symbol' as const, name: name(i) }, addend: 0 })),
  });
  return m.finish();
}

describe.skipIf(!canLink)('linking many functions (skipped unless cc runs on an x86-64 Linux host)', () => {
  it('resolves every call and pointer', () => {
    const n = 2000;
    const s = scratch();
    const link = s.link(`
#include <stdio.h>
extern int (*const chain_table[])(int);
int f${n}(int);
int main(void) {
  long sum = 0;
  for (int i = 0; i <= ${n}; i++) sum += chain_table[i](1);
  printf("%d %ld\\n", f${n}(1), sum);
  return 0;
}
`, { 'chain.o': chainObject(n) });
    expect(link.stderr).toBe('');
    const run = s.run();
    // f_i(1) = 1 + i(i+1)/2; the sum over i = n+1 + sum of i(i+1)/2 = n+1 + n(n+1)(n+2)/6.
    expect(run.stdout).toBe(`${1 + (n * (n + 1)) / 2} ${n + 1 + (n * (n + 1) * (n + 2)) / 6}\n`);
  });
});

describe.skipIf(!canLink)('thread-local data (skipped unless cc runs on an x86-64 Linux host)', () => {
  it('is reached through the general-dynamic sequence, per thread', () => {
    const m = new ObjectModule({ target: 'x86_64' });
    m.defineData(m.declareData('gen_tls', 'export', { tls: true }), { bytes: new Uint8Array([40, 0, 0, 0]), align: 4 });
    m.defineData(m.declareData('gen_tls_zero', 'export', { tls: true }), { zeroInit: 4, align: 4 });
    m.defineFunction(m.declareFunction('tls_inc', 'export'), TLS_INC);
    const s = scratch();
    const obj = m.finish();
    const file = s.write('tls.o', obj);
    const elf = readelf(s, file, ['-sSW']);
    expect(elf.stdout).toMatch(/\.tdata\s+PROGBITS.*WAT/);
    expect(elf.stdout).toMatch(/\.tbss\s+NOBITS.*WAT/);
    expect(elf.stdout).toMatch(/TLS\s+GLOBAL\s+DEFAULT\s+\d+ gen_tls\b/);
    const link = s.link(`
#include <pthread.h>
#include <stdio.h>
extern __thread int gen_tls, gen_tls_zero;
int tls_inc(void);
static void *other(void *arg) { (void)arg; printf("thread %d\\n", tls_inc()); return 0; }
int main(void) {
  pthread_t t;
  tls_inc();
  int v = tls_inc();
  printf("main %d %d\\n", v, gen_tls + gen_tls_zero);
  pthread_create(&t, 0, other, 0);
  pthread_join(t, 0);
  printf("main %d\\n", gen_tls);
  return 0;
}
`, { 'tls.o': obj });
    expect(link.stderr).toBe('');
    expect(s.run().stdout).toBe('main 42 42\nthread 41\nmain 42\n');
  });
});

describe.skipIf(!canDebug)('backtraces through generated code (gdb; skipped without gdb and cc on x86-64 Linux)', () => {
  const MAIN = `
#include <stdio.h>
void gen_a(void);
void c_stop(void) { puts("stopped"); }
int main(void) { gen_a(); return 0; }
`;
  function build(ehFrame: boolean): Scratch {
    const m = new ObjectModule({ target: 'x86_64', ehFrame });
    m.declareFunction('c_stop', 'import');
    m.defineFunction(m.declareFunction('gen_a', 'export'), GEN_A);
    m.defineFunction(m.declareFunction('gen_b', 'local'), GEN_B);
    const s = scratch();
    const link = s.link(MAIN, { 'gen.o': m.finish() });
    expect(link.stderr).toBe('');
    expect(s.run().stdout).toBe('stopped\n');
    return s;
  }
  function backtrace(s: Scratch): string[] {
    const r = s.tool('gdb', ['-batch', '-nx', '-ex', 'break c_stop', '-ex', 'run', '-ex', 'bt', s.path('prog')]);
    return r.stdout.split('\n').filter((l) => /^#\d/.test(l)).map((l) => (/ in (\S+)/.exec(l) ?? /^#\d+\s+(\S+)/.exec(l))?.[1] ?? l);
  }

  it('shows gen_b, gen_a and main under the C function', () => {
    expect(backtrace(build(true))).toEqual(['c_stop', 'gen_b', 'gen_a', 'main']);
  });

  it('needs the .eh_frame to do so (control: without it the chain breaks)', () => {
    expect(backtrace(build(false))).not.toEqual(['c_stop', 'gen_b', 'gen_a', 'main']);
  });
});
