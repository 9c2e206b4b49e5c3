/*
 * The runtime functions compiled code calls by relocation (RUNTIME_SYMBOLS of @windlass/linker):
 * the wasm libcalls of the translation environment (vmctx first, C convention) and the C library
 * routines backends call for float rounding and fused multiply-add.
 */
#include "wl.h"
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>

static wl_memory *memory_of(void *vm, uint32_t mem) {
  wl_instance *I = wl_instance_of(vm);
  if (mem >= I->mod->nmems) wl_trap(WL_TRAP_HEAP_OOB);
  return I->mems[mem];
}

uint32_t wasm_memory_grow(void *vm, uint32_t mem, uint32_t delta) {
  wl_memory *m = memory_of(vm, mem);
  uint64_t old = m->len / WL_PAGE, want = old + delta;
  if (want > m->max_pages || want * WL_PAGE > m->reserved) return 0xffffffffu;
  if (delta && mprotect(m->base + m->len, (uint64_t)delta * WL_PAGE, PROT_READ | PROT_WRITE) != 0) return 0xffffffffu;
  m->len = want * WL_PAGE;
  return (uint32_t)old;
}

void wasm_memory_copy(void *vm, uint32_t dmem, uint32_t smem, uint32_t d, uint32_t s, uint32_t n) {
  wl_memory *D = memory_of(vm, dmem), *S = memory_of(vm, smem);
  if ((uint64_t)s + n > S->len || (uint64_t)d + n > D->len) wl_trap(WL_TRAP_HEAP_OOB);
  memmove(D->base + d, S->base + s, n);
}

void wasm_memory_fill(void *vm, uint32_t mem, uint32_t d, uint32_t v, uint32_t n) {
  wl_memory *m = memory_of(vm, mem);
  if ((uint64_t)d + n > m->len) wl_trap(WL_TRAP_HEAP_OOB);
  memset(m->base + d, (int)(v & 0xff), n);
}

void wasm_memory_init(void *vm, uint32_t mem, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  wl_instance *I = wl_instance_of(vm);
  wl_memory *m = memory_of(vm, mem);
  if (seg >= I->mod->ndata || (uint64_t)s + n > I->data_len[seg] || (uint64_t)d + n > m->len) wl_trap(WL_TRAP_HEAP_OOB);
  if (n) memcpy(m->base + d, I->data_ptr[seg] + s, n);
}

void wasm_data_drop(void *vm, uint32_t seg) {
  wl_instance *I = wl_instance_of(vm);
  if (seg < I->mod->ndata) I->data_len[seg] = 0;
}

static wl_table *table_of(wl_instance *I, uint32_t t) {
  if (t >= I->mod->ntables) wl_trap(WL_TRAP_TABLE_OOB);
  return I->tables[t];
}

void wasm_table_init(void *vm, uint32_t t, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  wl_instance *I = wl_instance_of(vm);
  wl_table *T = table_of(I, t);
  if (seg >= I->mod->nelems || (uint64_t)s + n > I->elem_len[seg] || (uint64_t)d + n > T->len) wl_trap(WL_TRAP_TABLE_OOB);
  if (n) memcpy(T->base + d, I->elem_items[seg] + s, (size_t)n * 8);
}

void wasm_elem_drop(void *vm, uint32_t seg) {
  wl_instance *I = wl_instance_of(vm);
  if (seg < I->mod->nelems) I->elem_len[seg] = 0;
}

void wasm_table_copy(void *vm, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
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

uint32_t wasm_table_grow(void *vm, uint32_t t, uint64_t init, uint32_t delta) {
  wl_table *T = table_of(wl_instance_of(vm), t);
  uint32_t old = T->len;
  return wl_table_grow(T, delta, init) < 0 ? 0xffffffffu : old;
}

void wasm_table_fill(void *vm, uint32_t t, uint32_t d, uint64_t v, uint32_t n) {
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
