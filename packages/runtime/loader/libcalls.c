/*
 * The runtime functions compiled code calls by relocation (RUNTIME_SYMBOLS of @windlass/linker):
 * the wasm libcalls of the translation environment (vmctx first, C convention) and the C library
 * routines backends call for float rounding and fused multiply-add.
 *
 * Every i32 argument arrives as a 64-bit `uint64_t` and is truncated here: the psABIs disagree
 * on how 32-bit arguments are widened in registers (s390x zero/sign-extends by type, RISC-V
 * sign-extends even unsigned ones, x86-64 and AArch64 leave the upper bits undefined), and only
 * the low 32 bits carry the wasm value.
 */
#include "wl.h"
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>

typedef uint64_t u32arg;
#define U32(x) ((uint32_t)(x))

static wl_memory *memory_of(void *vm, uint32_t mem) {
  wl_instance *I = wl_instance_of(vm);
  if (mem >= I->mod->nmems) wl_trap(WL_TRAP_HEAP_OOB);
  return I->mems[mem];
}

uint32_t wasm_memory_grow(void *vm, u32arg mem_, u32arg delta_) {
  uint32_t mem = U32(mem_);
  uint32_t delta = U32(delta_);
  wl_memory *m = memory_of(vm, mem);
  uint64_t old = m->len / WL_PAGE, want = old + delta;
  if (want > m->max_pages || want * WL_PAGE > m->reserved) return 0xffffffffu;
  if (delta && mprotect(m->base + m->len, (uint64_t)delta * WL_PAGE, PROT_READ | PROT_WRITE) != 0) return 0xffffffffu;
  m->len = want * WL_PAGE;
  return (uint32_t)old;
}

void wasm_memory_copy(void *vm, u32arg dmem_, u32arg smem_, u32arg d_, u32arg s_, u32arg n_) {
  uint32_t d = U32(d_);
  uint32_t s = U32(s_);
  uint32_t n = U32(n_);
  wl_memory *D = memory_of(vm, U32(dmem_)), *S = memory_of(vm, U32(smem_));
  if ((uint64_t)s + n > S->len || (uint64_t)d + n > D->len) wl_trap(WL_TRAP_HEAP_OOB);
  memmove(D->base + d, S->base + s, n);
}

void wasm_memory_fill(void *vm, u32arg mem_, u32arg d_, u32arg v_, u32arg n_) {
  uint32_t mem = U32(mem_);
  uint32_t d = U32(d_);
  uint32_t v = U32(v_);
  uint32_t n = U32(n_);
  wl_memory *m = memory_of(vm, mem);
  if ((uint64_t)d + n > m->len) wl_trap(WL_TRAP_HEAP_OOB);
  memset(m->base + d, (int)(v & 0xff), n);
}

void wasm_memory_init(void *vm, u32arg mem_, u32arg seg_, u32arg d_, u32arg s_, u32arg n_) {
  uint32_t mem = U32(mem_);
  uint32_t seg = U32(seg_);
  uint32_t d = U32(d_);
  uint32_t s = U32(s_);
  uint32_t n = U32(n_);
  wl_instance *I = wl_instance_of(vm);
  wl_memory *m = memory_of(vm, mem);
  if (seg >= I->mod->ndata || (uint64_t)s + n > I->data_len[seg] || (uint64_t)d + n > m->len) wl_trap(WL_TRAP_HEAP_OOB);
  if (n) memcpy(m->base + d, I->data_ptr[seg] + s, n);
}

void wasm_data_drop(void *vm, u32arg seg_) {
  uint32_t seg = U32(seg_);
  wl_instance *I = wl_instance_of(vm);
  if (seg < I->mod->ndata) I->data_len[seg] = 0;
}

static wl_table *table_of(wl_instance *I, uint32_t t) {
  if (t >= I->mod->ntables) wl_trap(WL_TRAP_TABLE_OOB);
  return I->tables[t];
}

void wasm_table_init(void *vm, u32arg t_, u32arg seg_, u32arg d_, u32arg s_, u32arg n_) {
  uint32_t t = U32(t_);
  uint32_t seg = U32(seg_);
  uint32_t d = U32(d_);
  uint32_t s = U32(s_);
  uint32_t n = U32(n_);
  wl_instance *I = wl_instance_of(vm);
  wl_table *T = table_of(I, t);
  if (seg >= I->mod->nelems || (uint64_t)s + n > I->elem_len[seg] || (uint64_t)d + n > T->len) wl_trap(WL_TRAP_TABLE_OOB);
  if (n) memcpy(T->base + d, I->elem_items[seg] + s, (size_t)n * 8);
}

void wasm_elem_drop(void *vm, u32arg seg_) {
  uint32_t seg = U32(seg_);
  wl_instance *I = wl_instance_of(vm);
  if (seg < I->mod->nelems) I->elem_len[seg] = 0;
}

void wasm_table_copy(void *vm, u32arg dt_, u32arg st_, u32arg d_, u32arg s_, u32arg n_) {
  uint32_t dt = U32(dt_);
  uint32_t st = U32(st_);
  uint32_t d = U32(d_);
  uint32_t s = U32(s_);
  uint32_t n = U32(n_);
  wl_instance *I = wl_instance_of(vm);
  wl_table *D = table_of(I, dt), *S = table_of(I, st);
  if ((uint64_t)s + n > S->len || (uint64_t)d + n > D->len) wl_trap(WL_TRAP_TABLE_OOB);
  if (n) memmove(D->base + d, S->base + s, (size_t)n * 8);
}

/* Growing a table moves its elements: the code reloads the base from the record at each access. */
int wl_table_grow(wl_table *T, uint32_t delta, uint64_t init) {
  uint64_t old = T->len, want = old + delta;
  if (want > T->max || want > 10000000ull) return -1;
  if (want > T->cap) {
    uint64_t cap = want > 2 * T->cap ? want : 2 * T->cap;
    uint64_t *p = realloc(T->base, cap * 8);
    if (!p) return -1;
    T->base = p;
    T->cap = cap;
  }
  for (uint64_t i = old; i < want; i++) T->base[i] = init;
  T->len = (uint32_t)want;
  return (int)old;
}

uint32_t wasm_table_grow(void *vm, u32arg t_, uint64_t init, u32arg delta_) {
  uint32_t t = U32(t_);
  uint32_t delta = U32(delta_);
  wl_table *T = table_of(wl_instance_of(vm), t);
  uint32_t old = T->len;
  return wl_table_grow(T, delta, init) < 0 ? 0xffffffffu : old;
}

void wasm_table_fill(void *vm, u32arg t_, u32arg d_, uint64_t v, u32arg n_) {
  uint32_t t = U32(t_);
  uint32_t d = U32(d_);
  uint32_t n = U32(n_);
  wl_table *T = table_of(wl_instance_of(vm), t);
  if ((uint64_t)d + n > T->len) wl_trap(WL_TRAP_TABLE_OOB);
  for (uint32_t i = 0; i < n; i++) T->base[d + i] = v;
}

static const struct { const char *name; void *addr; } symbols[] = {
  {"wasm_memory_grow", (void *)wasm_memory_grow},
  {"wasm_memory_copy", (void *)wasm_memory_copy},
  {"wasm_memory_fill", (void *)wasm_memory_fill},
  {"wasm_memory_init", (void *)wasm_memory_init},
  {"wasm_data_drop", (void *)wasm_data_drop},
  {"wasm_table_init", (void *)wasm_table_init},
  {"wasm_elem_drop", (void *)wasm_elem_drop},
  {"wasm_table_copy", (void *)wasm_table_copy},
  {"wasm_table_grow", (void *)wasm_table_grow},
  {"wasm_table_fill", (void *)wasm_table_fill},
  {"ceilf", (void *)ceilf}, {"ceil", (void *)ceil}, {"floorf", (void *)floorf}, {"floor", (void *)floor},
  {"truncf", (void *)truncf}, {"trunc", (void *)trunc}, {"nearbyintf", (void *)nearbyintf}, {"nearbyint", (void *)nearbyint},
  {"fmaf", (void *)fmaf}, {"fma", (void *)fma},
  {"memcpy", (void *)memcpy}, {"memset", (void *)memset}, {"memmove", (void *)memmove}, {"memcmp", (void *)memcmp},
};

void *wl_runtime_symbol(const char *name) {
  for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++)
    if (strcmp(symbols[i].name, name) == 0) return symbols[i].addr;
  return NULL;
}

/* For the protocol's HELLO: the symbols this loader provides, one per line. */
void wl_runtime_symbols(char *out, size_t n) {
  size_t at = 0;
  out[0] = 0;
  for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++) at += (size_t)snprintf(out + at, at < n ? n - at : 0, "%s%s", i ? " " : "", symbols[i].name);
}
