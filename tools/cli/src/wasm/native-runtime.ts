/**
 * The native wasm runtime of `windlass wast --target x86_64`: a generated C driver that builds
 * instances the way `@windlass/wasm-frontend`'s `StandardEnvironment` expects them (the
 * `VmctxLayout` records, linear memory, tables, globals, function references), runs their
 * instantiation (imports, element and data segments, the start function) and the script's
 * commands, in script order, printing each outcome. One driver holds one instance, or a group
 * of instances that share memories, tables, globals or functions through imports.
 *
 * Memory: one linear memory per instance (index 0), reserved with `mmap(PROT_NONE)` up to its
 * maximum and made accessible as it grows, so its base never moves. The translated code checks
 * bounds explicitly (out-of-bounds accesses are redirected to address 0 and fault there, at the
 * access's trap site). Tables: `malloc`'d arrays of i64 elements (VMFuncRef pointers or
 * externref handles), reallocated on growth (the code reloads the base from the record).
 * Memory and table objects are shared by pointer between an exporter and its importers, as the
 * layout intends; so are globals' 16-byte storage cells and (copied) function records.
 * Libcalls (`LIBCALLS` of the frontend) are C functions with the System V convention, which is
 * what the `fast` convention of the x86-64 backend passes arguments with; they find their
 * instance by its vmctx and trap by jumping back to the driver with the trap code.
 *
 * Output lines (numbers hex unless noted): `S <stack top>`, `A <function> <address>`, then per
 * event k: `I <k> ok` (instantiated), `R <k> <rax> <rdx> <xmm0 lo> <xmm0 hi> <xmm1 lo> <xmm1 hi>
 * [area...] [X]` (returned), `G <k> <lo> <hi>` (a global's value), `H <k> <code>` (a trap raised
 * by the runtime, code in decimal) or `T <k> <signal> <rip> <addr> <rsp>` (a signal); a failed
 * instantiation prints `I <k>` followed by the `H`/`T` fields. `E <message>`: the driver gave up.
 */
import { TRAP_HEAP_OOB, type Signature } from '@windlass/ir';
import type { VmctxLayout } from '@windlass/linker';
import { ExternKind, TRAP_TABLE_OOB, type ConstExpr, type Module } from '@windlass/wasm-frontend';
import { DRIVER_PRELUDE, areaWords, callOperands, resultWords } from './driver';

/** Where an import comes from. `from` is the exporting instance's id, or spectest. */
export type ImportSource =
  /** A function whose code needs no instance: its record gets the importer's own vmctx. */
  | { kind: 'code'; code: string }
  /** A function of an instance in the same driver: its record is copied. */
  | { kind: 'funcref'; from: number; index: number }
  /** A global copied by value (immutable). */
  | { kind: 'value'; bytes: Uint8Array }
  /** The memory, table or global object `index` of another instance (or spectest's). */
  | { kind: 'shared'; from: number | 'spectest'; index: number };

/** What the C driver must know of one instance. */
export interface InstancePlan {
  /** Unique in the driver (names its C objects). */
  id: number;
  module: Module;
  layout: VmctxLayout;
  imports: ImportSource[];
  /** Object symbol of every defined function. */
  defined: string[];
  /** Runtime signature id of every type index (equal ids for equal function types). */
  sigIds: number[];
  /** IR signature (vmctx first) of every type index. */
  signatures: Signature[];
}

export interface RuntimePlan {
  /** Reserve 8 GiB per memory (4 GiB + guard) for code translated with `guard` bounds checks. */
  guard?: boolean;
  instances: Map<number, InstancePlan>;
  /** Object symbols with their code sizes, to map a faulting rip to a function. */
  symbols: { symbol: string; size: number }[];
}

export type RuntimeEvent =
  | { kind: 'instantiate'; inst: number }
  | { kind: 'invoke'; inst: number; func: number; args: bigint[] }
  | { kind: 'get'; inst: number; global: number }
  /** The current size of memory 0 (pages) or of table `index` (elements), printed as a global. */
  | { kind: 'size'; inst: number; table?: number };

export type RuntimeResult =
  | { kind: 'instantiated' }
  | { kind: 'returned'; values: bigint[][] }
  | { kind: 'global'; words: bigint[] }
  | { kind: 'hosttrap'; code: number }
  | { kind: 'signal'; signal: number; rip: bigint; addr: bigint; rsp: bigint; stackTop: bigint; where?: { fn: number; offset: number } }
  | { kind: 'error'; message: string };

/** The spectest globals, in the order of `wl_spectest_g`. */
export const SPECTEST_GLOBALS = ['global_i32', 'global_i64', 'global_f32', 'global_f64'];

/** The driver's `sigsetjmp` value of a trap raised by the runtime (not a signal number). */
const HOST_TRAP = 1000;

function hex(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}ull`;
}

function bytesLiteral(b: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c && c !== 0x3f) s += String.fromCharCode(c);
    else s += `\\${c.toString(8).padStart(3, '0')}`;
    if (i % 64 === 63 && i + 1 < b.length) s += '"\n  "';
  }
  return `${s}"`;
}

function word(b: Uint8Array, at: number): bigint {
  let x = 0n;
  for (let k = 7; k >= 0; k--) x = (x << 8n) | BigInt(b[at + k] ?? 0);
  return x;
}

/** C statements storing the value of a constant expression into `dst` (two u64 words). */
function constInit(p: InstancePlan, e: ConstExpr, dst: string): string {
  switch (e.op) {
    case 'i32.const':
      return `${dst}[0] = (uint32_t)${e.value >>> 0}u; ${dst}[1] = 0;`;
    case 'i64.const':
      return `${dst}[0] = ${hex(e.value)}; ${dst}[1] = 0;`;
    case 'f32.const':
      return `${dst}[0] = ${e.bits >>> 0}u; ${dst}[1] = 0;`;
    case 'f64.const':
      return `${dst}[0] = ${hex(e.bits)}; ${dst}[1] = 0;`;
    case 'v128.const':
      return `${dst}[0] = ${hex(word(e.bytes, 0))}; ${dst}[1] = ${hex(word(e.bytes, 8))};`;
    case 'ref.null':
      return `${dst}[0] = 0; ${dst}[1] = 0;`;
    case 'ref.func':
      return `${dst}[0] = (uint64_t)(uintptr_t)(wl_vm_${p.id} + ${p.layout.funcRef(e.func)}); ${dst}[1] = 0;`;
    case 'global.get':
      return `${dst}[0] = (*wl_gp_${p.id}[${e.global}])[0]; ${dst}[1] = (*wl_gp_${p.id}[${e.global}])[1];`;
  }
}

/** C expression of a segment offset (an i32 constant expression). */
function offsetExpr(p: InstancePlan, e: ConstExpr | undefined): string {
  if (!e) return '0';
  if (e.op === 'i32.const') return `(uint32_t)${e.value >>> 0}u`;
  if (e.op === 'global.get') return `(uint32_t)(*wl_gp_${p.id}[${e.global}])[0]`;
  return '0';
}

/** C of a call stub running function `f` of instance `p` through its VMFuncRef. */
function callStub(p: InstancePlan, f: number): string {
  const sig = p.signatures[p.module.funcTypes[f]];
  const rec = p.layout.funcRef(f);
  const { decls, exprs } = callOperands(sig, 'vm');
  return [
    `static void wl_call_${p.id}_${f}(const uint64_t *a) {`,
    `  (void)a; uint64_t vm = *(uint64_t *)(wl_vm_${p.id} + ${rec + 8}); wl_target = *(void **)(wl_vm_${p.id} + ${rec});`,
    `  ((void (*)(${decls.join(', ') || 'void'}))(void *)wl_thunk)(${exprs.join(', ')});`,
    '}',
  ].join('\n');
}

const RUNTIME_C = String.raw`
#define WL_PAGE 65536ull
struct wl_mem { uint8_t *base; uint64_t len; uint64_t max; };
struct wl_tab { uint64_t *base; uint32_t len; uint32_t max; uint64_t cap; };
struct wl_inst { uint8_t *vm; struct wl_mem *mem; struct wl_tab **tab; uint64_t **e; uint64_t *elen; const uint8_t **d; uint64_t *dlen; };
static struct wl_inst *wl_insts[WL_NI];
static int wl_ninst;
static volatile int wl_trap_code;
static void wl_trap(int code) { wl_trap_code = code; siglongjmp(env, ${HOST_TRAP}); }
static struct wl_inst *wl_of(uint64_t vm) {
  for (int i = 0; i < wl_ninst; i++) if ((uint64_t)(uintptr_t)wl_insts[i]->vm == vm) return wl_insts[i];
  printf("E libcall with an unknown vmctx\n"); exit(0);
}
void wl_host_nop(void) {}
static void wl_mem_new(struct wl_mem *m, uint64_t min, uint64_t max) {
  uint64_t reserve = WL_GUARD ? (8ull << 30) + WL_PAGE : (max ? max : 1) * WL_PAGE;
  void *p = mmap(0, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED || (min && mprotect(p, min * WL_PAGE, PROT_READ | PROT_WRITE) != 0)) { printf("E cannot reserve a linear memory\n"); exit(0); }
  m->base = p; m->len = min * WL_PAGE; m->max = max;
}
static void wl_tab_new(struct wl_tab *t, uint64_t min, uint32_t max) {
  t->cap = min ? min : 1;
  t->base = calloc(t->cap, 8); t->len = (uint32_t)min; t->max = max;
}
uint32_t wasm_memory_grow(uint64_t vm, uint32_t mem, uint32_t delta) {
  (void)mem;
  struct wl_mem *m = wl_of(vm)->mem;
  uint64_t old = m->len / WL_PAGE, want = old + delta;
  if (want > m->max) return 0xffffffffu;
  if (delta && mprotect(m->base + m->len, (uint64_t)delta * WL_PAGE, PROT_READ | PROT_WRITE) != 0) return 0xffffffffu;
  m->len = want * WL_PAGE;
  return (uint32_t)old;
}
void wasm_memory_copy(uint64_t vm, uint32_t mem, uint32_t d, uint32_t s, uint32_t n) {
  (void)mem;
  struct wl_mem *m = wl_of(vm)->mem;
  if ((uint64_t)s + n > m->len || (uint64_t)d + n > m->len) wl_trap(WL_HEAP_OOB);
  memmove(m->base + d, m->base + s, n);
}
void wasm_memory_fill(uint64_t vm, uint32_t mem, uint32_t d, uint32_t v, uint32_t n) {
  (void)mem;
  struct wl_mem *m = wl_of(vm)->mem;
  if ((uint64_t)d + n > m->len) wl_trap(WL_HEAP_OOB);
  memset(m->base + d, (int)(v & 0xff), n);
}
void wasm_memory_init(uint64_t vm, uint32_t mem, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  (void)mem;
  struct wl_inst *I = wl_of(vm);
  if ((uint64_t)s + n > I->dlen[seg] || (uint64_t)d + n > I->mem->len) wl_trap(WL_HEAP_OOB);
  if (n) memcpy(I->mem->base + d, I->d[seg] + s, n);
}
void wasm_data_drop(uint64_t vm, uint32_t seg) { wl_of(vm)->dlen[seg] = 0; }
void wasm_table_init(uint64_t vm, uint32_t t, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  struct wl_inst *I = wl_of(vm);
  struct wl_tab *T = I->tab[t];
  if ((uint64_t)s + n > I->elen[seg] || (uint64_t)d + n > T->len) wl_trap(WL_TABLE_OOB);
  if (n) memcpy(T->base + d, I->e[seg] + s, (uint64_t)n * 8);
}
void wasm_elem_drop(uint64_t vm, uint32_t seg) { wl_of(vm)->elen[seg] = 0; }
void wasm_table_copy(uint64_t vm, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
  struct wl_inst *I = wl_of(vm);
  struct wl_tab *D = I->tab[dt], *S = I->tab[st];
  if ((uint64_t)s + n > S->len || (uint64_t)d + n > D->len) wl_trap(WL_TABLE_OOB);
  if (n) memmove(D->base + d, S->base + s, (uint64_t)n * 8);
}
uint32_t wasm_table_grow(uint64_t vm, uint32_t t, uint64_t init, uint32_t delta) {
  struct wl_tab *T = wl_of(vm)->tab[t];
  uint64_t old = T->len, want = old + delta;
  if (want > T->max || want > 10000000ull) return 0xffffffffu;
  if (want > T->cap) {
    uint64_t cap = want > 2 * T->cap ? want : 2 * T->cap;
    uint64_t *p = realloc(T->base, cap * 8);
    if (!p) return 0xffffffffu;
    T->base = p; T->cap = cap;
  }
  for (uint64_t i = old; i < want; i++) T->base[i] = init;
  T->len = (uint32_t)want;
  return (uint32_t)old;
}
void wasm_table_fill(uint64_t vm, uint32_t t, uint32_t d, uint64_t v, uint32_t n) {
  struct wl_tab *T = wl_of(vm)->tab[t];
  if ((uint64_t)d + n > T->len) wl_trap(WL_TABLE_OOB);
  for (uint32_t i = 0; i < n; i++) T->base[d + i] = v;
}
static struct wl_mem wl_spectest_mem;
static struct wl_tab wl_spectest_tab;
static uint64_t wl_spectest_g[4][2] __attribute__((aligned(16)));
static void wl_spectest(void) {
  wl_mem_new(&wl_spectest_mem, 1, 2);
  wl_tab_new(&wl_spectest_tab, 10, 20);
  float f = 666.6f; double d = 666.6; uint32_t fb; memcpy(&fb, &f, 4);
  wl_spectest_g[0][0] = 666; wl_spectest_g[1][0] = 666; wl_spectest_g[2][0] = fb; memcpy(&wl_spectest_g[3][0], &d, 8);
}
`;

/** C of one instance: its objects and its instantiation function `wl_instantiate_<id>`. */
function instanceSource(p: InstancePlan, plan: RuntimePlan): string {
  const m = p.module;
  const L = p.layout;
  const id = p.id;
  const out: string[] = [
    `static uint8_t wl_vm_${id}[${Math.max(16, L.size)}] __attribute__((aligned(16)));`,
    `static struct wl_mem wl_mem_${id};`,
    `static struct wl_tab wl_tabs_${id}_own[${m.tables.length + 1}];`,
    `static struct wl_tab *wl_tabs_${id}[${m.tables.length + 1}];`,
    `static uint64_t wl_gs_${id}[${m.globals.length + 1}][2] __attribute__((aligned(16)));`,
    `static uint64_t (*wl_gp_${id}[${m.globals.length + 1}])[2];`,
    `static uint64_t *wl_e_${id}[${m.elements.length + 1}];`,
    `static uint64_t wl_elen_${id}[${m.elements.length + 1}];`,
    `static const uint8_t *wl_d_${id}[${m.data.length + 1}];`,
    `static uint64_t wl_dlen_${id}[${m.data.length + 1}];`,
    `static struct wl_inst wl_I_${id} = { wl_vm_${id}, 0, wl_tabs_${id}, wl_e_${id}, wl_elen_${id}, wl_d_${id}, wl_dlen_${id} };`,
  ];
  m.data.forEach((d, i) => out.push(`static const char wl_dbytes_${id}_${i}[] = ${bytesLiteral(m.bytes.subarray(d.start, d.end))};`));
  const init: string[] = [`static void wl_instantiate_${id}(void) {`, `  wl_insts[wl_ninst++] = &wl_I_${id};`];
  const shared = (src: { from: number | 'spectest'; index: number }, kind: 'mem' | 'tab' | 'global'): string => {
    if (src.from === 'spectest') return kind === 'mem' ? '&wl_spectest_mem' : kind === 'tab' ? '&wl_spectest_tab' : `&wl_spectest_g[${src.index}]`;
    if (!plan.instances.has(src.from)) throw new Error(`instance ${src.from} is not in the driver`);
    return kind === 'mem' ? `wl_I_${src.from}.mem` : kind === 'tab' ? `wl_tabs_${src.from}[${src.index}]` : `wl_gp_${src.from}[${src.index}]`;
  };
  let fi = 0;
  let ti = 0;
  let gi = 0;
  m.imports.forEach((imp, k) => {
    const src = p.imports[k];
    switch (imp.desc.kind) {
      case ExternKind.Func: {
        const rec = L.funcRef(fi++);
        if (src.kind === 'funcref') {
          const from = plan.instances.get(src.from);
          if (!from) throw new Error(`instance ${src.from} is not in the driver`);
          init.push(`  memcpy(wl_vm_${id} + ${rec}, wl_vm_${src.from} + ${from.layout.funcRef(src.index)}, 24);`);
        } else if (src.kind === 'code') {
          init.push(`  *(uint64_t *)(wl_vm_${id} + ${rec}) = (uint64_t)(uintptr_t)${src.code}; *(uint64_t *)(wl_vm_${id} + ${rec + 8}) = (uint64_t)(uintptr_t)wl_vm_${id}; *(uint32_t *)(wl_vm_${id} + ${rec + 16}) = ${p.sigIds[imp.desc.typeIndex]}u;`);
        }
        break;
      }
      case ExternKind.Table:
        if (src.kind === 'shared') init.push(`  wl_tabs_${id}[${ti}] = ${shared(src, 'tab')};`);
        ti++;
        break;
      case ExternKind.Memory:
        if (src.kind === 'shared') init.push(`  wl_I_${id}.mem = ${shared(src, 'mem')};`);
        break;
      default:
        if (src.kind === 'shared') init.push(`  wl_gp_${id}[${gi}] = ${shared(src, 'global')};`);
        else if (src.kind === 'value') init.push(`  wl_gs_${id}[${gi}][0] = ${hex(word(src.bytes, 0))}; wl_gs_${id}[${gi}][1] = ${hex(word(src.bytes, 8))}; wl_gp_${id}[${gi}] = &wl_gs_${id}[${gi}];`);
        gi++;
    }
  });
  if (m.memories.length > m.numImportedMemories) {
    const lim = m.memories[0].limits;
    init.push(`  wl_mem_new(&wl_mem_${id}, ${lim.min}, ${lim.max ?? 65536}); wl_I_${id}.mem = &wl_mem_${id};`);
  }
  for (let t = m.numImportedTables; t < m.tables.length; t++) {
    const lim = m.tables[t].limits;
    init.push(`  wl_tab_new(&wl_tabs_${id}_own[${t}], ${lim.min}, ${(lim.max ?? 0xffffffff) >>> 0}u); wl_tabs_${id}[${t}] = &wl_tabs_${id}_own[${t}];`);
  }
  if (m.memories.length > 0) init.push(`  *(uint64_t *)(wl_vm_${id} + ${L.memory}) = (uint64_t)(uintptr_t)wl_I_${id}.mem;`);
  for (let t = 0; t < m.tables.length; t++) init.push(`  *(uint64_t *)(wl_vm_${id} + ${L.table(t)}) = (uint64_t)(uintptr_t)wl_tabs_${id}[${t}];`);
  p.sigIds.forEach((sid, t) => init.push(`  *(uint32_t *)(wl_vm_${id} + ${L.sigId(t)}) = ${sid}u;`));
  p.defined.forEach((sym, i) => {
    const f = m.numImportedFuncs + i;
    const rec = L.funcRef(f);
    init.push(`  *(uint64_t *)(wl_vm_${id} + ${rec}) = (uint64_t)(uintptr_t)${sym}; *(uint64_t *)(wl_vm_${id} + ${rec + 8}) = (uint64_t)(uintptr_t)wl_vm_${id}; *(uint32_t *)(wl_vm_${id} + ${rec + 16}) = ${p.sigIds[m.funcTypes[f]]}u;`);
  });
  for (let g = m.numImportedGlobals; g < m.globals.length; g++) init.push(`  wl_gp_${id}[${g}] = &wl_gs_${id}[${g}];`);
  m.globalInits.forEach((e, i) => init.push(`  ${constInit(p, e, `(*wl_gp_${id}[${m.numImportedGlobals + i}])`)}`));
  for (let g = 0; g < m.globals.length; g++) init.push(`  *(uint64_t *)(wl_vm_${id} + ${L.global(g)}) = (uint64_t)(uintptr_t)wl_gp_${id}[${g}];`);
  m.elements.forEach((seg, k) => {
    init.push(`  wl_e_${id}[${k}] = calloc(${Math.max(1, seg.items.length)}, 8); wl_elen_${id}[${k}] = ${seg.items.length};`);
    seg.items.forEach((it, i) => init.push(`  { uint64_t v[2]; ${constInit(p, it, 'v')} wl_e_${id}[${k}][${i}] = v[0]; }`));
  });
  m.data.forEach((d, i) => init.push(`  wl_d_${id}[${i}] = (const uint8_t *)wl_dbytes_${id}_${i}; wl_dlen_${id}[${i}] = ${d.end - d.start};`));
  // Active segments in order (a failing one traps; the ones before it stay applied), then start.
  const vm = `(uint64_t)(uintptr_t)wl_vm_${id}`;
  m.elements.forEach((seg, k) => {
    if (seg.mode === 'active') init.push(`  wasm_table_init(${vm}, ${seg.table}, ${k}, ${offsetExpr(p, seg.offset)}, 0, ${seg.items.length});`);
    if (seg.mode !== 'passive') init.push(`  wl_elen_${id}[${k}] = 0;`);
  });
  m.data.forEach((d, i) => {
    if (d.mode !== 'active') return;
    init.push(`  wasm_memory_init(${vm}, 0, ${i}, ${offsetExpr(p, d.offset)}, 0, ${d.end - d.start});`);
    init.push(`  wl_dlen_${id}[${i}] = 0;`);
  });
  if (m.start !== undefined) init.push(`  wl_call_${id}_${m.start}(0);`);
  init.push('}');
  return [...out, init.join('\n')].join('\n');
}

/** The C source of the driver running `events` in order on the instances `plan` describes. */
export function runtimeDriverSource(plan: RuntimePlan, events: readonly RuntimeEvent[], timeoutSeconds = 10): string {
  const out: string[] = [
    ...DRIVER_PRELUDE,
    `#define WL_NI ${plan.instances.size + 1}`,
    `#define WL_GUARD ${plan.guard ? 1 : 0}`,
    `#define WL_HEAP_OOB ${TRAP_HEAP_OOB}`,
    `#define WL_TABLE_OOB ${TRAP_TABLE_OOB}`,
    RUNTIME_C,
  ];
  for (const s of plan.symbols) out.push(`extern char ${s.symbol}[];`);
  // Call stubs: one per function an event invokes, plus start functions.
  const stubs = new Map<string, { p: InstancePlan; f: number }>();
  const need = (inst: number, f: number): void => {
    const p = plan.instances.get(inst);
    if (!p) throw new Error(`instance ${inst} is not in the driver`);
    stubs.set(`${inst}_${f}`, { p, f });
  };
  for (const e of events) if (e.kind === 'invoke') need(e.inst, e.func);
  for (const p of plan.instances.values()) if (p.module.start !== undefined) need(p.id, p.module.start);
  const maxArea = Math.max(1, ...[...stubs.values()].map(({ p, f }) => areaWords(p.signatures[p.module.funcTypes[f]])));
  out.push(`static uint64_t wl_area[${maxArea}] __attribute__((aligned(16)));`);
  // The vmctx arrays first (tentative definitions, repeated in `instanceSource`): stubs use them.
  for (const p of plan.instances.values()) out.push(`static uint8_t wl_vm_${p.id}[${Math.max(16, p.layout.size)}] __attribute__((aligned(16)));`);
  for (const p of plan.instances.values()) out.push(...[...stubs.values()].filter((s) => s.p === p).map(({ f }) => callStub(p, f)));
  for (const p of plan.instances.values()) out.push(instanceSource(p, plan));

  const words: string[] = [];
  const table: string[] = [];
  const cases: string[] = [];
  events.forEach((e, k) => {
    if (e.kind === 'instantiate') {
      table.push('{ 0, 0, 0 }');
      cases.push(`      case ${k}: wl_instantiate_${e.inst}(); break;`);
    } else if (e.kind === 'get') {
      table.push('{ 1, 0, 0 }');
      cases.push(`      case ${k}: memcpy(wl_gv, wl_gp_${e.inst}[${e.global}], 16); break;`);
    } else if (e.kind === 'size') {
      table.push('{ 1, 0, 0 }');
      const size = e.table === undefined ? `wl_I_${e.inst}.mem->len / WL_PAGE` : `wl_tabs_${e.inst}[${e.table}]->len`;
      cases.push(`      case ${k}: wl_gv[0] = ${size}; wl_gv[1] = 0; break;`);
    } else {
      const p = plan.instances.get(e.inst)!;
      table.push(`{ 2, ${words.length}, ${areaWords(p.signatures[p.module.funcTypes[e.func]])} }`);
      for (const a of e.args) words.push(hex(a));
      cases.push(`      case ${k}: wl_call_${e.inst}_${e.func}(args + ${words.length - e.args.length}); break;`);
    }
  });
  out.push(`static const uint64_t args[] = { ${words.join(', ') || '0'} };`);
  out.push(`static const struct { int kind; int at; int area; } evs[] = { ${table.join(', ') || '{ 0, 0, 0 }'} };`);
  out.push('static uint64_t wl_gv[2];');
  out.push(
    'int main(void) {',
    '  static char altstack[1 << 16];',
    '  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 }; sigaltstack(&ss, 0);',
    '  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = on_signal; sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;',
    '  int sigs[] = { SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP, SIGALRM }; for (int i = 0; i < 6; i++) sigaction(sigs[i], &sa, 0);',
    '  setvbuf(stdout, 0, _IOLBF, 0);',
    '  volatile char top; printf("S %llx\\n", (unsigned long long)(uintptr_t)&top);',
    `  { void *addr[] = { ${plan.symbols.map((s) => `(void *)${s.symbol}`).join(', ') || '0'} }; for (int i = 0; i < ${plan.symbols.length}; i++) printf("A %d %llx\\n", i, (unsigned long long)(uintptr_t)addr[i]); }`,
    '  wl_spectest();',
    `  for (int k = 0; k < ${events.length}; k++) {`,
    '    int sig;',
    '    if ((sig = sigsetjmp(env, 1)) == 0) {',
    `      alarm(${timeoutSeconds});`,
    '      switch (k) {',
    ...cases,
    '      }',
    '      alarm(0);',
    '      if (evs[k].kind == 0) { printf("I %d ok\\n", k); continue; }',
    '      if (evs[k].kind == 1) { printf("G %d %llx %llx\\n", k, (unsigned long long)wl_gv[0], (unsigned long long)wl_gv[1]); continue; }',
    '      printf("R %d", k);',
    '      for (int j = 0; j < 6; j++) printf(" %llx", (unsigned long long)wl_out[j]);',
    '      for (int j = 0; j < evs[k].area; j++) printf(" %llx", (unsigned long long)wl_area[j]);',
    '      if (memcmp(wl_saved, wl_after, sizeof wl_saved) != 0) printf(" X");',
    '      printf("\\n");',
    '    } else {',
    '      alarm(0);',
    '      const char *pre = evs[k].kind == 0 ? "I " : "";',
    `      if (sig == ${HOST_TRAP}) printf("%sH %d %d\\n", pre, k, wl_trap_code);`,
    '      else printf("%sT %d %d %llx %llx %llx\\n", pre, k, sig, (unsigned long long)f_rip, (unsigned long long)f_addr, (unsigned long long)f_rsp);',
    '    }',
    '  }',
    '  return 0;',
    '}',
  );
  return out.join('\n') + '\n';
}

/** Parses the driver's output: one result per event, undefined where the driver printed none. */
export function decodeRuntimeOutput(stdout: string, plan: RuntimePlan, events: readonly RuntimeEvent[]): { results: (RuntimeResult | undefined)[]; gaveUp?: string } {
  const results: (RuntimeResult | undefined)[] = events.map(() => undefined);
  const addrs: bigint[] = plan.symbols.map(() => -1n);
  let stackTop = 0n;
  let gaveUp: string | undefined;
  const h = (s: string): bigint => BigInt(`0x${s}`);
  for (const line of stdout.split('\n')) {
    let p = line.trim().split(/\s+/);
    if (p[0] === 'S' && p.length === 2) {
      stackTop = h(p[1]);
      continue;
    }
    if (p[0] === 'A' && p.length === 3) {
      addrs[Number(p[1])] = h(p[2]);
      continue;
    }
    if (p[0] === 'E') {
      gaveUp = line.slice(2);
      continue;
    }
    // `I k ok`, or `I` before an `H` / `T` line of a failed instantiation.
    if (p[0] === 'I' && p.length >= 3 && p[2] !== 'ok') p = p.slice(1);
    const k = Number(p[1]);
    const e = events[k];
    if (e === undefined) continue;
    if (p[0] === 'I' && p[2] === 'ok') results[k] = { kind: 'instantiated' };
    else if (p[0] === 'G' && p.length === 4) results[k] = { kind: 'global', words: [h(p[2]), h(p[3])] };
    else if (p[0] === 'H' && p.length === 3) results[k] = { kind: 'hosttrap', code: Number(p[2]) };
    else if (p[0] === 'T' && p.length === 6) {
      const rip = h(p[3]);
      let where: { fn: number; offset: number } | undefined;
      plan.symbols.forEach((s, i) => {
        if (addrs[i] >= 0n && rip >= addrs[i] && rip < addrs[i] + BigInt(s.size)) where = { fn: i, offset: Number(rip - addrs[i]) };
      });
      results[k] = { kind: 'signal', signal: Number(p[2]), rip, addr: h(p[4]), rsp: h(p[5]), stackTop, where };
    } else if (p[0] === 'R' && p.length >= 8 && e.kind === 'invoke') {
      const ip = plan.instances.get(e.inst)!;
      const sig = ip.signatures[ip.module.funcTypes[e.func]];
      const clobbered = p[p.length - 1] === 'X';
      const nums = p.slice(2, clobbered ? -1 : undefined).map(h);
      if (nums.length !== 6 + areaWords(sig)) continue;
      results[k] = clobbered
        ? { kind: 'error', message: 'the callee did not preserve rbx, rbp, r12-r15 or rsp' }
        : { kind: 'returned', values: resultWords(sig, nums.slice(0, 6), nums.slice(6)) };
    }
  }
  return { results, gaveUp };
}
