/*
 * Instances: built from a module's metadata the way the compiled code expects them (the vmctx
 * layout of @windlass/linker), linked to other instances' exports or to WASI, initialized by
 * their element and data segments and start function; then their exports are called.
 */
#include "wl.h"
#include "wasi.h"
#include <stdlib.h>
#include <sys/mman.h>

static wl_instance **instances;
static uint32_t ninstances, cap_instances;

wl_instance *wl_find_instance(uint32_t id) { return id < ninstances ? instances[id] : NULL; }

static void register_instance(wl_instance *I) {
  if (ninstances == cap_instances) {
    cap_instances = cap_instances ? 2 * cap_instances : 64;
    instances = realloc(instances, sizeof *instances * cap_instances);
    if (!instances) exit(70);
  }
  I->id = ninstances;
  instances[ninstances++] = I;
}

/* A funcref value from outside (an invoke argument) must be a VMFuncRef of a live instance. */
int wl_valid_funcref(uint64_t p) {
  if (p == 0) return 1;
  for (uint32_t i = 0; i < ninstances; i++) {
    wl_instance *I = instances[i];
    uint64_t base = (uint64_t)(uintptr_t)(I->vmctx + I->mod->layout[5]);
    if (p >= base && p < base + 24ull * I->mod->nfuncs && (p - base) % 24 == 0) return 1;
  }
  return 0;
}

static wl_memory *memory_new(wl_limits lim, int guard) {
  wl_memory *m = wl_xalloc(sizeof *m);
  m->max_pages = lim.has_max ? lim.max : 65536;
  m->has_max = lim.has_max;
  /* Guard mode: 4 GiB addressable by any 32-bit index plus offset, and a 4 GiB guard region. */
  m->reserved = guard ? (8ull << 30) : (m->max_pages ? m->max_pages : 1) * WL_PAGE;
  void *p = mmap(NULL, m->reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return NULL;
  if (lim.min && mprotect(p, (uint64_t)lim.min * WL_PAGE, PROT_READ | PROT_WRITE) != 0) {
    munmap(p, m->reserved);
    return NULL;
  }
  m->base = p;
  m->len = (uint64_t)lim.min * WL_PAGE;
  return m;
}

static wl_table *table_new(uint8_t elem, wl_limits lim) {
  wl_table *t = wl_xalloc(sizeof *t);
  t->cap = lim.min ? lim.min : 1;
  t->base = calloc(t->cap, 8);
  if (!t->base) exit(70);
  t->len = lim.min;
  t->max = lim.has_max ? lim.max : 0xffffffffu;
  t->has_max = (uint8_t)lim.has_max;
  t->elem = elem;
  return t;
}

/*
 * The value of a constant expression in a 16-byte cell, as compiled code reads it: the value at
 * offset 0 in its own width and this machine's byte order (an i32 is the cell's first 4 bytes,
 * on a big-endian host too); v128 as its 16 little-endian bytes.
 */
static void eval_const(wl_instance *I, const wl_const *c, uint64_t out[2]) {
  out[0] = out[1] = 0;
  switch (c->op) {
  case 0x41: case 0x43: { uint32_t v = (uint32_t)c->lo; memcpy(out, &v, 4); break; }
  case 0x42: case 0x44: out[0] = c->lo; break;
  case 0xfd: {
    /* v128: the little-endian bytes, as wasm memory holds them */
    uint8_t b[16];
    for (int k = 0; k < 8; k++) { b[k] = (uint8_t)(c->lo >> (8 * k)); b[8 + k] = (uint8_t)(c->hi >> (8 * k)); }
    memcpy(out, b, 16);
    break;
  }
  case 0xd0: break;
  case 0xd2: out[0] = (uint64_t)(uintptr_t)(I->vmctx + I->mod->layout[5] + 24ull * c->index); break;
  case 0x23: memcpy(out, I->globals[c->index]->value, 16); break;
  }
}

/* An i32 cell's value (a segment offset). */
static uint32_t cell_u32(const uint64_t cell[2]) {
  uint32_t v;
  memcpy(&v, cell, 4);
  return v;
}

static int limits_match(uint64_t cur, int has_max, uint64_t max, const wl_limits *want) {
  if (cur < want->min) return 0;
  if (want->has_max && (!has_max || max > want->max)) return 0;
  return 1;
}

static const wl_export *find_export(wl_module *m, const char *name) {
  for (uint32_t i = 0; i < m->nexports; i++)
    if (wl_same(m->exports[i].name, name)) return &m->exports[i];
  return NULL;
}

static void link_error(wl_outcome *o, const char *what, const wl_import *im) {
  o->status = WL_LINK;
  snprintf(o->message, sizeof o->message, "%s: %s.%s", what, im->module, im->name);
}

static uint8_t *entry_of(wl_module *m, uint32_t type) {
  wl_artifact *a = m->art;
  return a->text + a->code[a->sigs[m->types[type]].entry].off;
}

static void trap_now(wl_outcome *o, uint32_t code) {
  o->status = WL_TRAP;
  o->trap_code = code;
  o->nframes = 0;
}

/* The extern an instance exports as `ex`. */
static void extern_of(wl_instance *X, const wl_export *ex, wl_extern *e) {
  memset(e, 0, sizeof *e);
  e->kind = ex->kind;
  switch (ex->kind) {
  case WL_FUNC: e->func = *((wl_funcref *)(X->vmctx + X->mod->layout[5]) + ex->index); break;
  case WL_TABLE: e->table = X->tables[ex->index]; break;
  case WL_MEMORY: e->memory = X->mems[ex->index]; break;
  default: e->global = X->globals[ex->index];
  }
}

int wl_instance_export(wl_instance *X, const char *name, wl_extern *e) {
  const wl_export *ex = find_export(X->mod, name);
  if (!ex) return -1;
  extern_of(X, ex, e);
  return 0;
}

/*
 * Builds an instance of module `m`. `bindings` resolve import module names: an instance, or
 * WASI. On failure the outcome says why (link error, trap, ...) and no instance is returned,
 * but what the instantiation did to shared memories and tables stays, as the spec says.
 */
wl_instance *wl_instantiate(wl_module *m, uint32_t nb, const wl_binding *bindings, struct wl_wasi *wasi, unsigned timeout_ms, wl_outcome *o) {
  memset(o, 0, offsetof(wl_outcome, frames));
  o->message[0] = 0;
  wl_extern *ex = wl_xalloc(sizeof(wl_extern) * (m->nimports + 1));
  for (uint32_t k = 0; k < m->nimports; k++) {
    const wl_import *im = &m->imports[k];
    const wl_binding *b = NULL;
    for (uint32_t j = 0; j < nb; j++)
      if (wl_same(bindings[j].module, im->module)) { b = &bindings[j]; break; }
    if (!b) { link_error(o, "unknown import", im); free(ex); return NULL; }
    if (b->kind == WL_BIND_WASI) {
      if (im->kind != WL_FUNC || !wasi || wl_wasi_function(im->name, &ex[k].hp, &ex[k].hnp, &ex[k].hr, &ex[k].hnr, &ex[k].host) != 0) { link_error(o, "unknown import", im); free(ex); return NULL; }
      ex[k].kind = WL_FUNC;
      continue;
    }
    const wl_export *e = find_export(b->inst->mod, im->name);
    if (!e) { link_error(o, "unknown import", im); free(ex); return NULL; }
    extern_of(b->inst, e, &ex[k]);
  }
  wl_instance *I = wl_instantiate_externs(m, ex, wasi, NULL, timeout_ms, o);
  free(ex);
  return I;
}

/*
 * Builds an instance of module `m` whose imports are `ex` (one per import, type-checked here).
 * `cinst` is the component instance it belongs to, or NULL.
 */
wl_instance *wl_instantiate_externs(wl_module *m, const wl_extern *ex, struct wl_wasi *wasi, struct wl_cinstance *cinst, unsigned timeout_ms, wl_outcome *o) {
  memset(o, 0, offsetof(wl_outcome, frames));
  o->message[0] = 0;
  wl_artifact *a = m->art;
  wl_instance *I = wl_xalloc(sizeof *I);
  I->mod = m;
  I->cinst = cinst;
  uint8_t *block = aligned_alloc(16, ((16 + (size_t)m->layout[0]) + 15) & ~(size_t)15);
  if (!block) exit(70);
  memset(block, 0, 16 + (size_t)m->layout[0]);
  *(wl_instance **)block = I;
  I->vmctx = block + 16;
  I->tables = wl_xalloc(sizeof(wl_table *) * (m->ntables + 1));
  I->mems = wl_xalloc(sizeof(wl_memory *) * (m->nmems + 1));
  I->globals = wl_xalloc(sizeof(wl_global *) * (m->nglobals + 1));
  I->hosts = wl_xalloc(sizeof(wl_hostctx) * (m->nimports + 1));
  I->wasi = wasi;
  uint8_t *vm = I->vmctx;
  wl_funcref *refs = (wl_funcref *)(vm + m->layout[5]);
  uint32_t fi = 0, ti = 0, mi = 0, gi = 0;
  for (uint32_t k = 0; k < m->nimports; k++) {
    const wl_import *im = &m->imports[k];
    const wl_extern *e = &ex[k];
    if (e->kind != im->kind) { link_error(o, "incompatible import type", im); return NULL; }
    switch (im->kind) {
    case WL_FUNC: {
      wl_sig *s = &a->sigs[m->types[im->type]];
      if (e->host) {
        /* A host function: reached through the exit trampoline of its signature. */
        if (s->np != e->hnp || s->nr != e->hnr || memcmp(s->params, e->hp, e->hnp) != 0 || memcmp(s->results, e->hr, e->hnr) != 0 || s->exit < 0) { link_error(o, "incompatible import type", im); return NULL; }
        I->hosts[k].fn = e->host;
        I->hosts[k].inst = I;
        I->hosts[k].which = k;
        I->hosts[k].args[0] = e->args[0];
        I->hosts[k].args[1] = e->args[1];
        refs[fi].code = a->text + a->code[s->exit].off;
        refs[fi].vmctx = &I->hosts[k];
        refs[fi].sig = s->rt;
        fi++;
        break;
      }
      if (e->func.sig != s->rt || !e->func.code) { link_error(o, "incompatible import type", im); return NULL; }
      refs[fi++] = e->func;
      break;
    }
    case WL_TABLE: {
      wl_table *t = e->table;
      if (!t || t->elem != im->elem || !limits_match(t->len, t->has_max, t->max, &im->lim)) { link_error(o, "incompatible import type", im); return NULL; }
      I->tables[ti++] = t;
      break;
    }
    case WL_MEMORY: {
      wl_memory *mem = e->memory;
      if (!mem || !limits_match(mem->len / WL_PAGE, mem->has_max, mem->max_pages, &im->lim)) { link_error(o, "incompatible import type", im); return NULL; }
      if (a->guard && mem->reserved < (8ull << 30)) { link_error(o, "incompatible import type (this module's code needs a memory with guard pages)", im); return NULL; }
      I->mems[mi++] = mem;
      break;
    }
    default: {
      wl_global *g = e->global;
      if (!g || g->type != im->gtype || g->mut != im->gmut) { link_error(o, "incompatible import type", im); return NULL; }
      I->globals[gi++] = g;
    }
    }
  }
  for (uint32_t k = m->nimported_mems; k < m->nmems; k++) {
    I->mems[k] = memory_new(m->mem_lim[k], a->guard);
    if (!I->mems[k]) { o->status = WL_ERROR; snprintf(o->message, sizeof o->message, "cannot reserve a linear memory"); return NULL; }
  }
  I->mem = m->nmems ? I->mems[0] : NULL;
  for (uint32_t t = m->nimported_tables; t < m->ntables; t++) I->tables[t] = table_new(m->table_elem[t], m->table_lim[t]);
  /* vmctx: records, signature ids, defined functions (global initializers may take ref.func). */
  for (uint32_t k = 0; k < m->nmems; k++) *(void **)(vm + m->layout[1] + 8 * k) = I->mems[k];
  for (uint32_t t = 0; t < m->ntables; t++) *(void **)(vm + m->layout[2] + 8 * t) = I->tables[t];
  for (uint32_t t = 0; t < m->ntypes; t++) *(uint32_t *)(vm + m->layout[4] + 4 * t) = a->sigs[m->types[t]].rt;
  for (uint32_t f = m->nimported_funcs; f < m->nfuncs; f++) {
    refs[f].code = a->text + a->code[m->func_code[f - m->nimported_funcs]].off;
    refs[f].vmctx = vm;
    refs[f].sig = a->sigs[m->types[m->func_types[f]]].rt;
  }
  for (uint32_t g = m->nimported_globals; g < m->nglobals; g++) {
    wl_global *G = aligned_alloc(16, sizeof(wl_global) + 16);
    if (!G) exit(70);
    memset(G, 0, sizeof *G);
    G->type = m->global_type[g];
    G->mut = m->global_mut[g];
    eval_const(I, &m->global_init[g - m->nimported_globals], G->value);
    I->globals[g] = G;
  }
  for (uint32_t g = 0; g < m->nglobals; g++) *(void **)(vm + m->layout[3] + 8 * g) = I->globals[g];
  I->elem_items = wl_xalloc(sizeof(uint64_t *) * (m->nelems + 1));
  I->elem_len = wl_xalloc(sizeof(uint32_t) * (m->nelems + 1));
  for (uint32_t e = 0; e < m->nelems; e++) {
    I->elem_items[e] = wl_xalloc(8 * (size_t)m->elems[e].n);
    for (uint32_t k = 0; k < m->elems[e].n; k++) {
      uint64_t v[2];
      eval_const(I, &m->elems[e].items[k], v);
      I->elem_items[e][k] = v[0];
    }
    I->elem_len[e] = m->elems[e].n;
  }
  I->data_ptr = wl_xalloc(sizeof(uint8_t *) * (m->ndata + 1));
  I->data_len = wl_xalloc(sizeof(uint32_t) * (m->ndata + 1));
  for (uint32_t d = 0; d < m->ndata; d++) {
    I->data_ptr[d] = a->rodata + m->data[d].start;
    I->data_len[d] = m->data[d].end - m->data[d].start;
  }
  /* From here on the instance's functions may be reachable from shared tables: keep it. */
  register_instance(I);
  for (uint32_t e = 0; e < m->nelems; e++) {
    const wl_elem *s = &m->elems[e];
    if (s->mode == 0) {
      uint64_t off[2];
      eval_const(I, &s->offset, off);
      wl_table *T = I->tables[s->table];
      if ((uint64_t)cell_u32(off) + I->elem_len[e] > T->len) { trap_now(o, WL_TRAP_TABLE_OOB); return NULL; }
      memcpy(T->base + cell_u32(off), I->elem_items[e], 8 * (size_t)I->elem_len[e]);
    }
    if (s->mode != 1) I->elem_len[e] = 0;
  }
  for (uint32_t d = 0; d < m->ndata; d++) {
    const wl_data *s = &m->data[d];
    if (s->mode != 0) continue;
    uint64_t off[2];
    eval_const(I, &s->offset, off);
    wl_memory *M = I->mems[s->memory];
    if ((uint64_t)cell_u32(off) + I->data_len[d] > M->len) { trap_now(o, WL_TRAP_HEAP_OOB); return NULL; }
    memcpy(M->base + cell_u32(off), I->data_ptr[d], I->data_len[d]);
    I->data_len[d] = 0;
  }
  if (m->start != WL_NONE) {
    wl_funcref *f = &refs[m->start];
    uint64_t values[2] = {0, 0};
    if (wl_call((void (*)(void *, void *, uint64_t *))entry_of(m, m->func_types[m->start]), f->vmctx, f->code, values, timeout_ms, o) != WL_OK) return NULL;
  }
  o->status = WL_OK;
  return I;
}

static int host_little_endian(void) {
  uint16_t one = 1;
  return *(uint8_t *)&one == 1;
}

static size_t value_size(uint8_t t) { return t == 0x7f || t == 0x7d ? 4 : t == 0x7b ? 16 : 8; }

/* A value between the protocol (16 little-endian bytes) and a native slot. */
void wl_value_from_le(uint8_t t, const uint8_t *le, uint64_t slot[2]) {
  slot[0] = slot[1] = 0;
  size_t n = value_size(t);
  if (host_little_endian() || t == 0x7b) {
    memcpy(slot, le, n);
    return;
  }
  uint64_t v = 0;
  for (size_t k = 0; k < n; k++) v |= (uint64_t)le[k] << (8 * k);
  if (n == 4) { uint32_t w = (uint32_t)v; memcpy(slot, &w, 4); }
  else memcpy(slot, &v, 8);
}

void wl_value_to_le(uint8_t t, const uint64_t slot[2], uint8_t le[16]) {
  memset(le, 0, 16);
  size_t n = value_size(t);
  if (host_little_endian() || t == 0x7b) {
    memcpy(le, slot, n);
    return;
  }
  uint64_t v;
  if (n == 4) { uint32_t w; memcpy(&w, slot, 4); v = w; }
  else memcpy(&v, slot, 8);
  for (size_t k = 0; k < n; k++) le[k] = (uint8_t)(v >> (8 * k));
}

/*
 * Calls exported function `name` of `I` with `args` (16-byte little-endian values); on WL_OK
 * `results` holds the results the same way and *types their value types.
 */
int wl_invoke(wl_instance *I, const char *name, uint32_t nargs, const uint8_t *args, unsigned timeout_ms, wl_outcome *o, uint8_t *results, uint32_t *nresults, const uint8_t **types) {
  memset(o, 0, offsetof(wl_outcome, frames));
  o->message[0] = 0;
  wl_module *m = I->mod;
  const wl_export *ex = find_export(m, name);
  if (!ex || ex->kind != WL_FUNC) {
    o->status = WL_ERROR;
    snprintf(o->message, sizeof o->message, "no exported function %s", name);
    return o->status;
  }
  wl_sig *s = &m->art->sigs[m->types[m->func_types[ex->index]]];
  if (nargs != s->np) {
    o->status = WL_ERROR;
    snprintf(o->message, sizeof o->message, "%s takes %u arguments, got %u", name, s->np, nargs);
    return o->status;
  }
  uint32_t nslots = s->np > s->nr ? s->np : s->nr;
  uint64_t *values = aligned_alloc(16, 16 * (size_t)(nslots + 1));
  if (!values) exit(70);
  memset(values, 0, 16 * (size_t)(nslots + 1));
  for (uint32_t k = 0; k < s->np; k++) {
    wl_value_from_le(s->params[k], args + 16 * k, values + 2 * k);
    if (s->params[k] == 0x70 && !wl_valid_funcref(values[2 * k])) {
      free(values);
      o->status = WL_ERROR;
      snprintf(o->message, sizeof o->message, "argument %u is not a function reference of this runtime", k);
      return o->status;
    }
  }
  wl_funcref *f = (wl_funcref *)(I->vmctx + m->layout[5]) + ex->index;
  if (wl_call((void (*)(void *, void *, uint64_t *))entry_of(m, m->func_types[ex->index]), f->vmctx, f->code, values, timeout_ms, o) == WL_OK) {
    for (uint32_t k = 0; k < s->nr; k++) wl_value_to_le(s->results[k], values + 2 * k, results + 16 * k);
    *nresults = s->nr;
    *types = s->results;
  }
  free(values);
  return o->status;
}

int wl_get_global(wl_instance *I, const char *name, uint8_t *type, uint8_t le[16], char *err, size_t errn) {
  const wl_export *ex = find_export(I->mod, name);
  if (!ex || ex->kind != WL_GLOBAL) {
    snprintf(err, errn, "no exported global %s", name);
    return -1;
  }
  wl_global *g = I->globals[ex->index];
  *type = g->type;
  wl_value_to_le(g->type, g->value, le);
  return 0;
}
