// The exception runtime of the native x86_64 driver: `__cranelift_throw`, the function CLIF code
// calls to throw (Cranelift's filetest harness provides it under that name), as C and a little
// assembly in the generated driver.
//
//   __cranelift_throw(entry_fp, exit_fp, exit_pc, tag, payload0, payload1)
//
// The stub takes the thrower's frame pointer and return address from the machine (rbp and the
// return address on the stack; the arguments' exit_fp/exit_pc are not trusted), then walks the
// frame-pointer chain: for each frame (pc, fp) it looks the return address up in the try_call
// sites of the compiled functions (CompiledCode.callSites); the first handler of that site
// whose tag matches, or a `default`, catches. It resumes there with rsp = fp - spBelowFp,
// rbp = fp, rax = payload0, rdx = payload1. The walk stops at the frame whose fp is entry_fp
// (that frame is not searched), at a return address outside the compiled code, or at a broken
// chain; an uncaught exception ends the case like a trap (see UNCAUGHT_EXCEPTION).

import type { CompiledCode } from '@windlass/codegen';

/** The value the driver's `sigsetjmp` sees for an exception no handler caught. */
export const UNCAUGHT_EXCEPTION = 1000;

/** One row of the driver's handler table. */
export interface HandlerRow {
  /** Object symbol of the function holding the try_call. */
  readonly symbol: string;
  readonly returnOffset: number;
  readonly handlerOffset: number;
  /** null: `default`. */
  readonly tag: number | null;
  readonly spBelowFp: number;
}

/** The handler rows of compiled functions (`symbols`: function name -> object symbol), in match order per site. */
export function handlerRows(codes: ReadonlyMap<string, CompiledCode>, symbolOf: (name: string) => string): HandlerRow[] {
  const rows: HandlerRow[] = [];
  for (const [name, code] of codes) {
    for (const site of code.callSites) {
      for (const h of site.exceptionHandlers ?? []) {
        rows.push({ symbol: symbolOf(name), returnOffset: site.returnOffset, handlerOffset: h.offset, tag: h.tag, spBelowFp: site.spBelowFp ?? 0 });
      }
    }
  }
  return rows;
}

/** A C identifier for the code of object symbol `sym` (declared with an asm label: the symbol may also be a function prototype). */
function codeRef(sym: string): string {
  return `wl_code_${sym}`;
}

/** The machine-specific part of the runtime: the two assembly stubs, and how a saved return address reads. */
export interface ThrowStubs {
  /** Assembly lines (C string literals' contents) defining `__cranelift_throw` and `wl_resume`. */
  readonly asm: readonly string[];
  /** A C expression turning the saved return address `pc` into a code address (strip pointer signatures). */
  readonly pcOf: string;
}

/** x86-64: the thrower's rbp and its return address on the stack; resume with rsp, rbp, rax/rdx. */
export const X64_THROW_STUBS: ThrowStubs = {
  asm: [
    '.text\\n', '.globl __cranelift_throw\\n', '.type __cranelift_throw, @function\\n', '__cranelift_throw:\\n',
    // rdi (entry_fp), ecx (tag), r8, r9 (payload) pass through; rsi/rdx become the real frame.
    '  movq %rbp, %rsi\\n', '  movq (%rsp), %rdx\\n', '  jmp wl_throw_walk\\n',
    '.type wl_resume, @function\\n', 'wl_resume:\\n',
    '  movq %rsi, %rsp\\n', '  movq %rdx, %rbp\\n', '  movq %rcx, %rax\\n', '  movq %r8, %rdx\\n', '  jmp *%rdi\\n',
  ],
  pcOf: 'pc',
};

/**
 * C source of the runtime: declarations of the code symbols, the code ranges and handler
 * table, the walker and the two assembly stubs. Needs `env` (the driver's sigjmp_buf).
 */
export function exceptionRuntimeSource(
  codes: ReadonlyMap<string, CompiledCode>, symbolOf: (name: string) => string, stubs: ThrowStubs = X64_THROW_STUBS,
): string {
  const out: string[] = [];
  const ranges: string[] = [];
  for (const [name, code] of codes) {
    const sym = symbolOf(name);
    out.push(`extern const char ${codeRef(sym)}[] __asm__("${sym}");`);
    ranges.push(`  { ${codeRef(sym)}, ${codeRef(sym)} + ${code.bytes.length} },`);
  }
  const rows = handlerRows(codes, symbolOf).map((r) =>
    `  { ${codeRef(r.symbol)} + ${r.returnOffset}, ${codeRef(r.symbol)} + ${r.handlerOffset}, ${r.spBelowFp}u, ${r.tag ?? 0}u, ${r.tag === null ? 1 : 0} },`);
  out.push(
    'struct wl_code_range { const char *start, *end; };',
    `static const struct wl_code_range wl_code_ranges[] = {\n${ranges.join('\n')}\n  { 0, 0 }\n};`,
    'struct wl_handler { const char *ret, *pad; uint64_t sp_below_fp; uint32_t tag; uint32_t is_default; };',
    `static const struct wl_handler wl_handlers[] = {\n${rows.join('\n')}\n  { 0, 0, 0, 0, 0 }\n};`,
    'static int wl_in_code(uint64_t pc) {',
    '  for (const struct wl_code_range *r = wl_code_ranges; r->start; r++) if (pc >= (uint64_t)r->start && pc < (uint64_t)r->end) return 1;',
    '  return 0;',
    '}',
    'extern void wl_resume(uint64_t pc, uint64_t sp, uint64_t fp, uint64_t payload0, uint64_t payload1) __attribute__((noreturn));',
    // entry_fp, then the thrower's fp and pc as the stub found them, then the tag and payload.
    '__attribute__((noreturn, used)) void wl_throw_walk(uint64_t entry_fp, uint64_t fp, uint64_t pc, uint32_t tag, uint64_t p0, uint64_t p1) {',
    '  for (long depth = 0; depth < (1L << 20); depth++) {',
    '    if (fp == 0 || (fp & 7) != 0 || fp == entry_fp || !wl_in_code(pc)) break;',
    '    for (const struct wl_handler *h = wl_handlers; h->ret; h++) {',
    '      if ((uint64_t)h->ret == pc && (h->is_default || h->tag == tag)) wl_resume((uint64_t)h->pad, fp - h->sp_below_fp, fp, p0, p1);',
    '    }',
    `    pc = ((const uint64_t *)fp)[1]; pc = ${stubs.pcOf};`,
    '    fp = ((const uint64_t *)fp)[0];',
    '  }',
    `  siglongjmp(env, ${UNCAUGHT_EXCEPTION});`,
    '}',
    '__asm__(',
    ...stubs.asm.map((l) => `  "${l}"`),
    ');',
  );
  return out.join('\n');
}
