/// <reference types="node" />
// tls_value under tls_model=elf_gd and the pinned register. The TLS functions are written into
// an ELF object by @windlass/object and linked with C code that defines the `__thread`
// variables: once into an executable (the linker relaxes the general-dynamic sequence) and once
// into a shared library (where it stays a real `__tls_get_addr` call), each read and written
// from two threads.

import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, settingsBuilder, UnsupportedError, type CompiledCode, type Reloc } from '@windlass/codegen';
import { ObjectError, ObjectModule } from '@windlass/object';
import '../index';
import { canRunNative, inScratchDir, runC } from './test-support/native';

function compileAll(text: string, settings: string[], target = 'x86_64'): Map<string, CompiledCode> {
  const b = settingsBuilder();
  for (const s of settings) b.apply(s);
  const isa = buildIsa(target, b.finish());
  const out = new Map<string, CompiledCode>();
  for (const { func } of parseClif(text, 't.clif').functions) {
    if (func.name.kind !== 'testcase') throw new Error('testcase names only');
    out.set(func.name.name, isa.compileFunction(func, { wantListing: true }));
  }
  return out;
}

const TLS_FUNCTIONS = `
function %tls_addr() -> i64 {
    gv0 = symbol tls %wl_counter
block0:
    v0 = tls_value.i64 gv0
    return v0
}
; v0 arrives in rdi, which the sequence overwrites: it must survive the __tls_get_addr call.
function %tls_bump(i64) -> i64 {
    gv0 = symbol tls %wl_counter
block0(v0: i64):
    v1 = tls_value.i64 gv0
    v2 = load.i64 v1
    v3 = iadd v2, v0
    store v3, v1
    return v2
}
; The second word of a thread-local pair (a symbol offset).
function %tls_second(i64) -> i64 {
    gv0 = symbol colocated tls %wl_pair+8
block0(v0: i64):
    v1 = tls_value.i64 gv0
    v2 = load.i64 v1
    v3 = imul v2, v0
    store v3, v1
    return v3
}
`;

/**
 * Calls the compiled functions from two threads. `wl_counter` and `wl_pair` name the variables
 * as C sees them (declared by the prelude), `enter_thread()` sets a thread up first.
 */
const C_REPORT = `#include <stdio.h>
#include <stdint.h>
#include <pthread.h>
uint64_t *wl_tls_addr(void);
uint64_t wl_tls_bump(uint64_t);
uint64_t wl_tls_second(uint64_t);
static void report(const char *who) {
  uint64_t a = wl_tls_bump(5), b = wl_tls_bump(7);
  uint64_t s = wl_tls_second(3);
  printf("%s %d %llu %llu %llu %llu %llu\\n", who, wl_tls_addr() == &wl_counter, (unsigned long long)a,
    (unsigned long long)b, (unsigned long long)wl_counter, (unsigned long long)s, (unsigned long long)wl_pair[1]);
}
static void *thread(void *arg) { (void)arg; enter_thread(); report("thread"); return 0; }
int main(void) {
  enter_thread();
  wl_counter = 100;
  report("main");
  pthread_t t; pthread_create(&t, 0, thread, 0); pthread_join(t, 0);
  report("main");
  return 0;
}
`;
const C_MAIN = `#include <stdint.h>
extern __thread uint64_t wl_counter;
extern __thread uint64_t wl_pair[2];
static void enter_thread(void) {}
${C_REPORT}`;
const C_VARS = '#include <stdint.h>\n__thread uint64_t wl_counter = 1;\n__thread uint64_t wl_pair[2] = { 10, 20 };\n';

/** The compiled functions as one ELF object with `wl_` symbols, the TLS variables imported. */
function tlsObject(code: Map<string, CompiledCode>): Uint8Array {
  const m = new ObjectModule({ target: 'x86_64', name: 'tls' });
  m.declareData('wl_counter', 'import', { tls: true });
  m.declareData('wl_pair', 'import', { tls: true });
  m.declareFunction('__tls_get_addr', 'import');
  for (const [name, c] of code) {
    m.defineFunction(m.declareFunction(`wl_${name}`, 'export'), { bytes: c.bytes, relocs: c.relocations, unwind: c.unwind, alignment: c.alignment });
  }
  return m.finish();
}

describe('tls_value', () => {
  it('emits the 16-byte general-dynamic sequence with TLSGD and PLT32 relocations under tls_model=elf_gd', () => {
    const c = compileAll(TLS_FUNCTIONS, ['tls_model=elf_gd']).get('tls_addr')!;
    const at = c.bytes.findIndex((b, k) => b === 0x66 && c.bytes[k + 1] === 0x48 && c.bytes[k + 2] === 0x8d && c.bytes[k + 3] === 0x3d);
    expect(at).toBeGreaterThan(0);
    expect(Array.from(c.bytes.subarray(at + 8, at + 12))).toEqual([0x66, 0x66, 0x48, 0xe8]);
    expect(c.relocations.map((r) => [r.offset - at, r.kind, r.target, r.addend])).toEqual([
      [4, 'ElfX86_64TlsGd', { kind: 'symbol', name: 'wl_counter' }, -4],
      [12, 'X86CallPLTRel4', { kind: 'symbol', name: '__tls_get_addr' }, -4],
    ]);
  });

  it('saves what __tls_get_addr may clobber but a Windows caller expects kept (rsi, rdi, xmm6-15)', () => {
    const c = compileAll(`function %tls_win(i64) -> i64 windows_fastcall {
    gv0 = symbol tls %wl_counter
block0(v0: i64):
    v1 = tls_value.i64 gv0
    v2 = iadd v1, v0
    return v2
}`, ['tls_model=elf_gd']).get('tls_win')!;
    for (const r of ['rsi', 'rdi']) expect(c.listing).toMatch(new RegExp(`push\\s+${r}[\\s\\S]*pop\\s+${r}`));
    expect(c.listing).toMatch(/movups XMMWORD PTR \[rsp[^\]]*\],xmm6[\s\S]*__tls_get_addr[\s\S]*movups xmm6,/);
  });

  it('needs a TLS model: without one tls_value is a typed error naming the choices', () => {
    const f = TLS_FUNCTIONS.split('\n; v0')[0];
    expect(() => compileAll(f, [])).toThrow(UnsupportedError);
    expect(() => compileAll(f, [])).toThrow(/set tls_model=elf_gd, macho or coff\); tls_model=none/);
  });

  it('under tls_model=coff indexes the TEB\'s ThreadLocalStoragePointer by _tls_index and adds the SECREL offset', () => {
    const c = compileAll(TLS_FUNCTIONS, ['tls_model=coff']).get('tls_second')!;
    const body = c.listing.split('\n').map((l) => l.replace(/^\s*[0-9a-f]+:\s+/, '').replace(/\s+/g, ' '));
    const at = body.findIndex((l) => l.includes('_tls_index'));
    const [index, slots, block, addr] = body.slice(at, at + 4);
    const idx = /^mov (e\w+|r\d+d),DWORD PTR \[rip\+_tls_index\]$/.exec(index);
    const tab = /^mov (r\w+),QWORD PTR gs:0x58$/.exec(slots);
    expect(idx).not.toBeNull();
    expect(tab).not.toBeNull();
    const blk = new RegExp(`^mov (r\\w+),QWORD PTR \\[${tab![1]}\\+(r\\w+)\\*8\\]$`).exec(block);
    expect(blk).not.toBeNull();
    // The index register's 64-bit name (the 32-bit load zero-extends it).
    expect(blk![2].replace(/^e/, 'r').replace(/d$/, '')).toBe(idx![1].replace(/^e/, 'r').replace(/d$/, ''));
    expect(addr).toMatch(new RegExp(`^lea r\\w+,\\[${blk![1]}\\+wl_pair@secrel32\\+0x8\\]$`));
    // No call: nothing is clobbered, v0 stays in rdi.
    expect(c.listing).not.toMatch(/call/);
    expect(c.relocations.map((r) => [r.kind, r.target, r.addend])).toEqual([
      ['X86PCRel4', { kind: 'symbol', name: '_tls_index' }, -4],
      ['X86SecRel', { kind: 'symbol', name: 'wl_pair' }, 8],
    ]);
  });

  it('under tls_model=macho loads the TLV descriptor into rdi and calls its thunk', () => {
    const code = compileAll(TLS_FUNCTIONS, ['tls_model=macho']);
    const addr = code.get('tls_addr')!;
    expect(addr.listing).toMatch(/mov\s+rdi,QWORD PTR \[rip\+wl_counter@tlvp\]\n.*call\s+QWORD PTR \[rdi\]/);
    expect(addr.relocations.map((r) => [r.kind, r.target, r.addend])).toEqual([['MachOX86_64Tlv', { kind: 'symbol', name: 'wl_counter' }, -4]]);
    // The symbol offset is added to the thunk's result.
    expect(code.get('tls_second')!.listing).toMatch(/call\s+QWORD PTR \[rdi\]\n.*add\s+rax,0x8/);
  });

  it('leaves COFF and Mach-O code to other object writers: the ELF writer rejects it naming the relocation', () => {
    for (const [model, kind] of [['coff', 'X86SecRel'], ['macho', 'MachOX86_64Tlv']] as const) {
      const c = compileAll(TLS_FUNCTIONS, [`tls_model=${model}`]).get('tls_addr')!;
      const m = new ObjectModule({ target: 'x86_64', name: 'tls' });
      m.declareData('wl_counter', 'import', { tls: true });
      m.declareData('_tls_index', 'import');
      const f = m.declareFunction('wl_tls_addr', 'export');
      expect(() => m.defineFunction(f, { bytes: c.bytes, relocs: c.relocations })).toThrow(ObjectError);
      expect(() => m.defineFunction(f, { bytes: c.bytes, relocs: c.relocations })).toThrow(new RegExp(`relocation ${kind} is a (COFF|Mach-O) relocation`));
    }
  });

  const suite = canRunNative() ? describe : describe.skip;
  suite('natively, linked with C __thread variables (skipped off x86-64 Linux or without cc)', () => {
    const obj = tlsObject(compileAll(TLS_FUNCTIONS, ['tls_model=elf_gd']));
    // Each thread starts from the initial values: counter 1 (main sets 100), pair[1] 20.
    const want = [
      'main 1 100 105 112 60 60',
      'thread 1 1 6 13 60 60',
      'main 1 112 117 124 180 180',
    ];

    it('reads and writes per-thread variables from an executable (relaxed by the linker)', () => {
      expect(runC(C_MAIN + C_VARS, { files: { 'tls.o': obj }, args: ['-pthread'] })).toEqual(want);
    });

    it('reads and writes them from a shared library through __tls_get_addr', () => {
      // The variables live in the library; their default visibility keeps the GD sequence a real call.
      expect(runSharedLibrary(obj)).toEqual(want);
    });

    // The Windows and macOS runtimes, played by C on Linux: the relocations are resolved as the
    // PE and Mach-O linkers resolve them, the code runs unchanged.
    it('runs the COFF sequence against a Windows-style TEB (gs base set by arch_prctl) and per-thread TLS blocks', () => {
      const asm = asmOf(compileAll(TLS_FUNCTIONS, ['tls_model=coff']), (r, name) => {
        // _tls_index is PC-relative data; SECREL is the variable's offset in the TLS template section.
        if (r.kind === 'X86PCRel4') return `${name} + (${r.addend}) - .`;
        if (r.kind === 'X86SecRel') return `tpl_${name} + (${r.addend}) - wl_tls_start`;
        throw new Error(`relocation ${r.kind}`);
      });
      expect(runC(C_COFF_PRELUDE + asm + C_REPORT, { args: ['-pthread'] })).toEqual(want);
    });

    it('runs the Mach-O sequence through TLV descriptors whose thunk returns the thread\'s variable', () => {
      const asm = asmOf(compileAll(TLS_FUNCTIONS, ['tls_model=macho']), (r, name) => {
        // The movq reads the TLV pointer slot (ld64 may turn it into a lea of the descriptor).
        if (r.kind === 'MachOX86_64Tlv') return `tlvp_${name} + (${r.addend}) - .`;
        throw new Error(`relocation ${r.kind}`);
      });
      expect(runC(C_MACHO_PRELUDE + asm + C_REPORT, { args: ['-pthread'] })).toEqual(want);
    });
  });
});

/** The compiled functions as top-level asm `wl_NAME`, each relocated field a `.long` of `field`'s expression. */
function asmOf(code: Map<string, CompiledCode>, field: (r: Reloc, target: string) => string): string {
  let asm = '.text\n';
  for (const [name, c] of code) {
    asm += `.p2align 4\n.globl wl_${name}\nwl_${name}:\n`;
    let at = 0;
    const bytes = (end: number): void => {
      if (end > at) asm += `.byte ${Array.from(c.bytes.subarray(at, end)).join(',')}\n`;
      at = end;
    };
    for (const r of [...c.relocations].sort((a, b) => a.offset - b.offset)) {
      if (r.target.kind !== 'symbol') throw new Error(`relocation to a ${r.target.kind}`);
      bytes(r.offset);
      asm += `.long ${field(r, r.target.name)}\n`;
      at += 4;
    }
    bytes(c.bytes.length);
  }
  return `__asm__(${JSON.stringify(asm)});\n`;
}

/**
 * Windows x64 TLS: gs:0x58 (the TEB's ThreadLocalStoragePointer) points at the thread's array
 * of TLS blocks, one per image, `_tls_index` is this image's slot; each thread's block is a
 * copy of the image's TLS template (here the `.wltls` section, SECREL offsets into it).
 */
const C_COFF_PRELUDE = `#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
__asm__(".section .wltls,\\"a\\"\\n.p2align 3\\n.globl wl_tls_start, tpl_wl_counter, tpl_wl_pair, wl_tls_end\\n"
  "wl_tls_start:\\n.quad 0x5eed\\ntpl_wl_counter: .quad 1\\ntpl_wl_pair: .quad 10, 20\\nwl_tls_end:\\n.text\\n");
extern const unsigned char wl_tls_start[], tpl_wl_counter[], tpl_wl_pair[], wl_tls_end[];
uint32_t _tls_index = 2;
static __thread unsigned char *wl_block;
#define wl_counter (*(uint64_t *)(wl_block + (tpl_wl_counter - wl_tls_start)))
#define wl_pair ((uint64_t *)(wl_block + (tpl_wl_pair - wl_tls_start)))
static void enter_thread(void) {
  size_t n = (size_t)(wl_tls_end - wl_tls_start);
  wl_block = malloc(n);
  memcpy(wl_block, wl_tls_start, n);
  void **blocks = calloc(4, sizeof(void *));
  blocks[_tls_index] = wl_block;
  unsigned char *teb = calloc(1, 0x100);
  memcpy(teb + 0x58, &blocks, sizeof blocks);
  if (syscall(SYS_arch_prctl, ARCH_SET_GS, teb) != 0) abort();
}
`;

/**
 * macOS TLS: a variable's TLV descriptor holds a thunk, called with the descriptor in rdi, that
 * returns the variable's address in the calling thread (dyld's reads a pthread key and an offset).
 */
const C_MACHO_PRELUDE = `#include <stdint.h>
struct tlv { void *(*thunk)(struct tlv *); uint64_t key; uint64_t offset; };
static __thread struct { uint64_t counter; uint64_t pair[2]; } wl_vars = { 1, { 10, 20 } };
static void *tlv_get_addr(struct tlv *d) { return (unsigned char *)&wl_vars + d->offset; }
static struct tlv desc_counter = { tlv_get_addr, 0, 0 }, desc_pair = { tlv_get_addr, 0, 8 };
struct tlv *const tlvp_wl_counter = &desc_counter, *const tlvp_wl_pair = &desc_pair;
#define wl_counter (wl_vars.counter)
#define wl_pair (wl_vars.pair)
static void enter_thread(void) {}
`;

const PINNED_FUNCTIONS = `
function %wl_inner() -> i64 {
block0:
    v0 = get_pinned_reg.i64
    v1 = iadd_imm v0, 1
    set_pinned_reg v1
    return v0
}
; Eight values live across two calls: more than the callee-saved registers without r15.
function %wl_outer(i64) -> i64 {
    fn0 = colocated %wl_inner() -> i64
block0(v0: i64):
    v1 = get_pinned_reg.i64
    set_pinned_reg v0
    v10 = imul_imm v0, 3
    v11 = imul_imm v0, 5
    v12 = imul_imm v0, 7
    v13 = imul_imm v0, 11
    v14 = imul_imm v0, 13
    v15 = imul_imm v0, 17
    v16 = imul_imm v0, 19
    v17 = imul_imm v0, 23
    v2 = call fn0()
    v3 = call fn0()
    v4 = get_pinned_reg.i64
    set_pinned_reg v1
    v20 = iadd v10, v11
    v21 = iadd v12, v13
    v22 = iadd v14, v15
    v23 = iadd v16, v17
    v24 = iadd v20, v21
    v25 = iadd v22, v23
    v26 = iadd v24, v25
    v27 = imul_imm v3, 1000
    v28 = imul_imm v4, 1000000
    v29 = iadd v2, v27
    v30 = iadd v29, v28
    v31 = imul_imm v26, 1000000000
    v32 = iadd v30, v31
    return v32
}
`;

describe('the pinned register (enable_pinned_reg)', () => {
  it('is r15, which the allocator never hands out and the prologue never saves', () => {
    const code = compileAll(PINNED_FUNCTIONS, ['enable_pinned_reg=true']);
    const outer = code.get('wl_outer')!.listing;
    expect(outer).toMatch(/push\s+r14/);
    expect(outer).not.toMatch(/push\s+r15/);
    // r15 appears only in the four pinned-register moves.
    const r15 = outer.split('\n').filter((l) => /\br15\b/.test(l));
    expect(r15.length).toBe(4);
    for (const l of r15) expect(l).toMatch(/mov\s+(r15,r\w+|r\w+,r15)$/);
  });

  it('needs enable_pinned_reg: otherwise get/set_pinned_reg are typed errors', () => {
    expect(() => compileAll(PINNED_FUNCTIONS, [])).toThrow(UnsupportedError);
    expect(() => compileAll(PINNED_FUNCTIONS, [])).toThrow(/enable_pinned_reg/);
  });

  const suite = canRunNative() ? describe : describe.skip;
  suite('natively (skipped off x86-64 Linux or without cc)', () => {
    it('carries the value across calls between functions', () => {
      const m = new ObjectModule({ target: 'x86_64', name: 'pinned' });
      for (const [name, c] of compileAll(PINNED_FUNCTIONS, ['enable_pinned_reg=true'])) {
        m.defineFunction(m.declareFunction(name, 'export'), { bytes: c.bytes, relocs: c.relocations, unwind: c.unwind, alignment: c.alignment });
      }
      const main = `#include <stdio.h>
#include <stdint.h>
uint64_t wl_outer(uint64_t);
int main(void) { printf("%llu\\n", (unsigned long long)wl_outer(5)); return 0; }
`;
      // inner sees 5 then 6 and leaves 7; the eight products sum to 98 * 5.
      expect(runC(main, { files: { 'pinned.o': m.finish() } })).toEqual([String(5n + 6000n + 7000000n + 490n * 1000000000n)]);
    });
  });
});

/** Links `obj` and the variables into libwl.so, the C main against it, and runs the program. */
function runSharedLibrary(obj: Uint8Array): string[] {
  return inScratchDir((d) => {
    d.write('tls.o', obj);
    d.write('vars.c', C_VARS);
    d.write('main.c', C_MAIN);
    d.tool('cc', ['-shared', '-fPIC', '-O1', '-o', 'libwl.so', 'vars.c', 'tls.o']);
    d.tool('cc', ['-O1', '-o', 'prog', 'main.c', '-L.', '-lwl', '-Wl,-rpath,$ORIGIN', '-pthread']);
    // The library keeps the call (the executable's copy is relaxed to an %fs access).
    expect(d.tool('objdump', ['-d', '--no-show-raw-insn', 'libwl.so'])).toMatch(/call.*__tls_get_addr/);
    return d.run('prog');
  });
}
