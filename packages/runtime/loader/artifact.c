/*
 * Loading an artifact: the ELF container (in this machine's byte order, as the linker writes it
 * for the target), the .windlass.* sections (little-endian on every target), then .text mapped
 * read+execute near the loader's code with its relocations applied, and .rodata read-only.
 * @windlass/runtime has checked the artifact with the linker's `deserialize` before sending it;
 * every read here is bounds-checked anyway, so that bad bytes give an error, not a crash.
 */
#include "wl.h"
#include "arch.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_ARTIFACTS 65536
static wl_artifact *artifacts[MAX_ARTIFACTS];
static uint32_t nartifacts;

void *wl_xalloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (!p) {
    fprintf(stderr, "windlass-loader: out of memory\n");
    exit(70);
  }
  return p;
}

char *wl_xstrdup(const char *s, size_t n) {
  char *p = (char *)wl_xalloc(n + 5) + 4;
  uint32_t len = (uint32_t)n;
  memcpy(p - 4, &len, 4);
  memcpy(p, s, n);
  return p;
}

/* ---- little-endian section reader */
typedef struct {
  const uint8_t *p;
  size_t n, pos;
  const char *section;
  char *err;
  size_t errn;
  int failed;
} rd;

static uint32_t rd_fail(rd *r, const char *fmt, ...) {
  if (!r->failed) {
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errn, "%s at %zu: %s", r->section, r->pos, msg);
  }
  r->failed = 1;
  return 0;
}
static int rd_need(rd *r, size_t k) {
  if (r->failed) return 0;
  if (k > r->n - r->pos) {
    rd_fail(r, "runs past the end of the section");
    return 0;
  }
  return 1;
}
static uint8_t rd_u8(rd *r) { return rd_need(r, 1) ? r->p[r->pos++] : 0; }
static uint32_t rd_u32(rd *r) {
  if (!rd_need(r, 4)) return 0;
  const uint8_t *b = r->p + r->pos;
  r->pos += 4;
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static uint64_t rd_u64(rd *r) {
  uint64_t lo = rd_u32(r);
  return lo | (uint64_t)rd_u32(r) << 32;
}
static char *rd_str(rd *r) {
  uint32_t n = rd_u32(r);
  if (!rd_need(r, n)) return wl_xstrdup("", 0);
  char *s = wl_xstrdup((const char *)r->p + r->pos, n);
  r->pos += n;
  return s;
}
/* A count of items of at least `item` bytes each. */
static uint32_t rd_count(rd *r, size_t item) {
  uint32_t n = rd_u32(r);
  if (!r->failed && (uint64_t)n * (item ? item : 1) > r->n - r->pos) return rd_fail(r, "count %u does not fit", n);
  return n;
}
static uint32_t rd_index(rd *r, uint32_t limit, const char *what) {
  uint32_t v = rd_u32(r);
  if (!r->failed && v >= limit) return rd_fail(r, "%s %u out of range (%u)", what, v, limit);
  return v;
}
static void rd_limits(rd *r, wl_limits *l) {
  l->has_max = rd_u8(r);
  l->min = rd_u32(r);
  l->max = rd_u32(r);
  if (l->has_max > 1 || (l->has_max && l->max < l->min)) rd_fail(r, "bad limits");
}
static void rd_const(rd *r, wl_const *c, uint32_t nfuncs, uint32_t nglobals) {
  c->op = rd_u8(r);
  switch (c->op) {
  case 0x41: case 0x43: c->lo = rd_u32(r); break;
  case 0x42: case 0x44: c->lo = rd_u64(r); break;
  case 0xfd: c->lo = rd_u64(r); c->hi = rd_u64(r); break;
  case 0xd0: c->type = rd_u8(r); break;
  case 0xd2: c->index = rd_index(r, nfuncs, "function"); break;
  case 0x23: c->index = rd_index(r, nglobals, "global"); break;
  default: rd_fail(r, "constant opcode 0x%x", c->op);
  }
}

/* ---- ELF */
typedef struct { const char *name; uint32_t type; uint64_t off, size; uint32_t link, info; } sec;

static uint16_t e16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t e32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t e64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Section 0 is the null section: never found by name (the linker's reader ignores it too). */
static const sec *find(const sec *s, uint32_t n, const char *name) {
  for (uint32_t i = 1; i < n; i++)
    if (strcmp(s[i].name, name) == 0) return &s[i];
  return NULL;
}

static int fail(char *err, size_t errn, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errn, fmt, ap);
  va_end(ap);
  return -1;
}

static size_t page_round(size_t n) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  return (n + pg - 1) / pg * pg;
}

/*
 * Where code goes: an arena reserved when the first artifact loads, near the loader's image,
 * so that calls from the code to the runtime symbols reach (32-bit displacements; AArch64's
 * `bl`: 28 bits, hence a smaller arena). It goes between the image and the heap when the gap
 * is wide enough (the heap's start is randomized, up to about 1 GiB above the image), else
 * above the heap, leaving it room to grow (then glibc's malloc continues with mmap).
 * Reserving it up front keeps other mappings from taking the place later. Code that does not
 * fit goes anywhere; a call that cannot reach is then reported by the relocation.
 */
#if defined(__aarch64__)
#define WL_ARENA (96ull << 20)
#define WL_REACH (128ull << 20)
#define WL_HEAP_ROOM (8ull << 20)
#else
#define WL_ARENA (512ull << 20)
#define WL_REACH (2048ull << 20)
#define WL_HEAP_ROOM (64ull << 20)
#endif
#define WL_MIN_ARENA (16ull << 20)
extern char __executable_start[], _end[];
static uint8_t *arena;
static size_t arena_size, arena_used;

static int in_arena(const void *p) { return arena && arena != (uint8_t *)-1 && (const uint8_t *)p >= arena && (const uint8_t *)p < arena + arena_size; }

static uintptr_t align_mb(uintptr_t x) { return (x + 0xfffff) & ~(uintptr_t)0xfffff; }

/* The arena: the larger of the gap below the heap and the room above it, inside the reach of
   the loader's code (the runtime symbols live between __executable_start and _end). */
static uint8_t *reserve_arena(void) {
  uintptr_t heap = (uintptr_t)sbrk(0), limit = (uintptr_t)__executable_start + WL_REACH - (16u << 20);
  uintptr_t below = align_mb((uintptr_t)_end + (1u << 20)), above = align_mb(heap + WL_HEAP_ROOM);
  struct { uintptr_t at; size_t size; } c[2] = {{below, 0}, {above, 0}};
  if (heap > below + (1u << 20)) c[0].size = heap - (1u << 20) - below;
  if (limit > above) c[1].size = limit - above;
  if (c[1].size > c[0].size) { uintptr_t at = c[0].at; size_t sz = c[0].size; c[0] = c[1]; c[1].at = at; c[1].size = sz; }
  for (int i = 0; i < 2; i++) {
    size_t size = c[i].size < WL_ARENA ? c[i].size & ~(size_t)0xfffff : WL_ARENA;
    if (size < WL_MIN_ARENA) continue;
    void *p = mmap((void *)c[i].at, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == (void *)c[i].at) {
      arena_size = size;
      return p;
    }
    if (p != MAP_FAILED) munmap(p, size);
  }
  return (uint8_t *)-1;
}

static void *map_near(size_t size) {
  if (!arena) arena = reserve_arena();
  size = page_round(size);
  if (arena != (uint8_t *)-1 && arena_used + size <= arena_size) {
    uint8_t *p = arena + arena_used;
    if (mprotect(p, size, PROT_READ | PROT_WRITE) != 0) return NULL;
    arena_used += size;
    return p;
  }
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static int parse_module(rd *r, wl_artifact *a, wl_module *m) {
  m->art = a;
  m->name = rd_str(r);
  m->ntypes = rd_count(r, 4);
  m->types = wl_xalloc(4 * (size_t)m->ntypes);
  for (uint32_t i = 0; i < m->ntypes; i++) m->types[i] = rd_index(r, a->nsigs, "signature");
  m->nimports = rd_count(r, 9);
  m->imports = wl_xalloc(sizeof(wl_import) * m->nimports);
  uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
  for (uint32_t i = 0; i < m->nimports && !r->failed; i++) {
    wl_import *im = &m->imports[i];
    im->module = rd_str(r);
    im->name = rd_str(r);
    im->kind = rd_u8(r);
    switch (im->kind) {
    case WL_FUNC: im->type = rd_index(r, m->ntypes, "type"); nf++; break;
    case WL_TABLE: im->elem = rd_u8(r); rd_limits(r, &im->lim); nt++; break;
    case WL_MEMORY: rd_limits(r, &im->lim); nm++; break;
    case WL_GLOBAL: im->gtype = rd_u8(r); im->gmut = rd_u8(r); ng++; break;
    default: rd_fail(r, "import kind %u", im->kind);
    }
  }
  m->nfuncs = rd_count(r, 4);
  m->nimported_funcs = nf;
  if (m->nfuncs < nf) rd_fail(r, "fewer functions than imports");
  m->func_types = wl_xalloc(4 * (size_t)m->nfuncs);
  for (uint32_t i = 0; i < m->nfuncs; i++) m->func_types[i] = rd_index(r, m->ntypes, "type");
  uint32_t dt = rd_count(r, 10);
  m->ntables = nt + dt;
  m->nimported_tables = nt;
  m->table_elem = wl_xalloc(m->ntables);
  m->table_lim = wl_xalloc(sizeof(wl_limits) * m->ntables);
  uint32_t dm = 0, k = 0;
  for (uint32_t i = 0; i < m->nimports; i++)
    if (m->imports[i].kind == WL_TABLE) { m->table_elem[k] = m->imports[i].elem; m->table_lim[k++] = m->imports[i].lim; }
  for (uint32_t i = 0; i < dt && !r->failed; i++) { m->table_elem[nt + i] = rd_u8(r); rd_limits(r, &m->table_lim[nt + i]); }
  dm = rd_count(r, 9);
  m->nmems = nm + dm;
  m->nimported_mems = nm;
  m->mem_lim = wl_xalloc(sizeof(wl_limits) * (m->nmems + 1));
  k = 0;
  for (uint32_t i = 0; i < m->nimports; i++)
    if (m->imports[i].kind == WL_MEMORY) m->mem_lim[k++] = m->imports[i].lim;
  for (uint32_t i = 0; i < dm && !r->failed; i++) rd_limits(r, &m->mem_lim[nm + i]);
  for (uint32_t i = 0; i < m->nmems; i++)
    if (m->mem_lim[i].min > 65536 || (m->mem_lim[i].has_max && m->mem_lim[i].max > 65536)) rd_fail(r, "memory limits beyond 4 GiB");
  uint32_t dg = rd_count(r, 4);
  m->nglobals = ng + dg;
  m->nimported_globals = ng;
  m->global_type = wl_xalloc(m->nglobals);
  m->global_mut = wl_xalloc(m->nglobals);
  m->global_init = wl_xalloc(sizeof(wl_const) * (dg + 1));
  k = 0;
  for (uint32_t i = 0; i < m->nimports; i++)
    if (m->imports[i].kind == WL_GLOBAL) { m->global_type[k] = m->imports[i].gtype; m->global_mut[k++] = m->imports[i].gmut; }
  for (uint32_t i = 0; i < dg && !r->failed; i++) {
    m->global_type[ng + i] = rd_u8(r);
    m->global_mut[ng + i] = rd_u8(r);
    rd_const(r, &m->global_init[i], m->nfuncs, ng);
  }
  m->nexports = rd_count(r, 9);
  m->exports = wl_xalloc(sizeof(wl_export) * m->nexports);
  for (uint32_t i = 0; i < m->nexports && !r->failed; i++) {
    m->exports[i].name = rd_str(r);
    m->exports[i].kind = rd_u8(r);
    uint32_t limit = m->exports[i].kind == WL_FUNC ? m->nfuncs : m->exports[i].kind == WL_TABLE ? m->ntables : m->exports[i].kind == WL_MEMORY ? m->nmems : m->nglobals;
    if (m->exports[i].kind > WL_GLOBAL) rd_fail(r, "export kind");
    m->exports[i].index = rd_index(r, limit, "export index");
  }
  m->start = rd_u32(r);
  if (m->start != WL_NONE && m->start >= m->nfuncs) rd_fail(r, "start function");
  m->nelems = rd_count(r, 10);
  m->elems = wl_xalloc(sizeof(wl_elem) * m->nelems);
  for (uint32_t i = 0; i < m->nelems && !r->failed; i++) {
    wl_elem *e = &m->elems[i];
    e->mode = rd_u8(r);
    e->table = rd_u32(r);
    if (e->mode > 2 || (e->mode == 0 && e->table >= m->ntables)) rd_fail(r, "element segment");
    if (e->mode == 0) rd_const(r, &e->offset, m->nfuncs, ng);
    e->type = rd_u8(r);
    e->n = rd_count(r, 2);
    e->items = wl_xalloc(sizeof(wl_const) * e->n);
    for (uint32_t j = 0; j < e->n && !r->failed; j++) rd_const(r, &e->items[j], m->nfuncs, ng);
  }
  m->ndata = rd_count(r, 13);
  m->data = wl_xalloc(sizeof(wl_data) * m->ndata);
  for (uint32_t i = 0; i < m->ndata && !r->failed; i++) {
    wl_data *d = &m->data[i];
    d->mode = rd_u8(r);
    d->memory = rd_u32(r);
    if (d->mode > 1 || (d->mode == 0 && d->memory >= m->nmems)) rd_fail(r, "data segment");
    if (d->mode == 0) rd_const(r, &d->offset, m->nfuncs, ng);
    d->start = rd_u32(r);
    d->end = rd_u32(r);
    if (d->start > d->end || d->end > a->rodata_size) rd_fail(r, "data segment outside .rodata");
  }
  uint32_t nd = rd_count(r, 4);
  if (nd != m->nfuncs - nf) rd_fail(r, "function bodies");
  m->func_code = wl_xalloc(4 * (size_t)nd);
  for (uint32_t i = 0; i < nd; i++) {
    m->func_code[i] = rd_index(r, a->ncode, "code range");
    if (!r->failed && a->code[m->func_code[i]].kind != WL_CODE_FUNCTION) rd_fail(r, "code range of a function is a trampoline");
  }
  for (int i = 0; i < 6; i++) m->layout[i] = rd_u32(r);
  /* The loader lays instances out itself; the artifact must agree. */
  uint32_t tables = 8 * (m->nmems ? m->nmems : 1), globals = tables + 8 * m->ntables, sig_ids = globals + 8 * m->nglobals;
  uint32_t func_refs = (sig_ids + 4 * m->ntypes + 7) & ~7u, size = func_refs + 24 * m->nfuncs;
  if (!r->failed && (m->layout[0] != size || m->layout[1] != 0 || m->layout[2] != tables || m->layout[3] != globals || m->layout[4] != sig_ids || m->layout[5] != func_refs))
    rd_fail(r, "the vmctx layout differs from this loader's");
  return r->failed ? -1 : 0;
}

/* Process-wide signature ids: equal function types get equal ids, whatever artifact they come from. */
static struct { uint32_t np, nr; uint8_t *p, *r; } *rt_sigs;
static uint32_t nrt_sigs, cap_rt_sigs;
static uint32_t canonical_sig(const wl_sig *s) {
  for (uint32_t i = 0; i < nrt_sigs; i++)
    if (rt_sigs[i].np == s->np && rt_sigs[i].nr == s->nr && memcmp(rt_sigs[i].p, s->params, s->np) == 0 && memcmp(rt_sigs[i].r, s->results, s->nr) == 0) return i + 1;
  if (nrt_sigs == cap_rt_sigs) {
    cap_rt_sigs = cap_rt_sigs ? cap_rt_sigs * 2 : 64;
    rt_sigs = realloc(rt_sigs, sizeof(*rt_sigs) * cap_rt_sigs);
    if (!rt_sigs) exit(70);
  }
  rt_sigs[nrt_sigs].np = s->np;
  rt_sigs[nrt_sigs].nr = s->nr;
  rt_sigs[nrt_sigs].p = s->params;
  rt_sigs[nrt_sigs].r = s->results;
  return ++nrt_sigs;
}

wl_artifact *wl_load_artifact(const uint8_t *b, size_t n, char *err, size_t errn) {
  if (n < 64 || memcmp(b, "\x7f" "ELF", 4) != 0 || b[4] != 2) { fail(err, errn, "not an ELF64 file"); return NULL; }
  uint16_t one = 1;
  int host_le = *(uint8_t *)&one == 1;
  if ((b[5] == 1) != host_le) { fail(err, errn, "the artifact's byte order is not this machine's"); return NULL; }
  uint64_t shoff = e64(b + 40);
  uint16_t shnum = e16(b + 60), shstrndx = e16(b + 62);
  if (e16(b + 58) != 64 || shnum == 0 || shoff > n || (uint64_t)shnum * 64 > n - shoff || shstrndx >= shnum) { fail(err, errn, "bad section header table"); return NULL; }
  sec *s = wl_xalloc(sizeof(sec) * shnum);
  const uint8_t *st = b + shoff + (size_t)shstrndx * 64;
  uint64_t stoff = e64(st + 24), stsize = e64(st + 32);
  if (stoff > n || stsize > n - stoff || stsize == 0) { fail(err, errn, "bad section name table"); free(s); return NULL; }
  s[0].name = "";
  for (uint32_t i = 1; i < shnum; i++) {
    const uint8_t *h = b + shoff + (size_t)i * 64;
    uint32_t name = e32(h);
    s[i].type = e32(h + 4);
    s[i].off = e64(h + 24);
    s[i].size = e64(h + 32);
    s[i].link = e32(h + 40);
    s[i].info = e32(h + 44);
    if (name >= stsize || memchr(b + stoff + name, 0, stsize - name) == NULL) { fail(err, errn, "bad section name"); free(s); return NULL; }
    s[i].name = (const char *)b + stoff + name;
    if (s[i].type != 8 && (s[i].off > n || s[i].size > n - s[i].off)) { fail(err, errn, "section %s leaves the file", s[i].name); free(s); return NULL; }
  }
  static const char *need[] = {".text", ".rodata", ".windlass.compat", ".windlass.sigs", ".windlass.funcs", ".windlass.module", ".windlass.traps", ".windlass.addrmap", ".windlass.names"};
  for (size_t i = 0; i < sizeof need / sizeof *need; i++)
    if (!find(s, shnum, need[i])) { fail(err, errn, "no %s section: not a Windlass artifact", need[i]); free(s); return NULL; }
  wl_artifact *a = wl_xalloc(sizeof *a);
  rd r = {.err = err, .errn = errn};
#define SECTION(nm) do { r.section = nm; r.p = b + find(s, shnum, nm)->off; r.n = find(s, shnum, nm)->size; r.pos = 0; } while (0)
  /* compatibility: format, ISA, bounds checks */
  SECTION(".windlass.compat");
  uint32_t version = rd_u32(&r);
  char *isa = rd_str(&r), *triple = rd_str(&r), *producer = rd_str(&r);
  if (!r.failed && version != WL_FORMAT_VERSION) rd_fail(&r, "format version %u (this loader reads %u)", version, WL_FORMAT_VERSION);
  if (!r.failed && strcmp(isa, WL_ARCH) != 0) rd_fail(&r, "the artifact is for %s, this loader runs %s code", isa, WL_ARCH);
  for (int list = 0; list < 3 && !r.failed; list++) {
    uint32_t k = rd_count(&r, 8);
    for (uint32_t i = 0; i < k && !r.failed; i++) {
      char *name = rd_str(&r), *value = rd_str(&r);
      if (list == 2 && strcmp(name, "bounds_checks") == 0) {
        if (strcmp(value, "guard") == 0) a->guard = 1;
        else if (strcmp(value, "explicit") != 0) rd_fail(&r, "bounds_checks=%s", value);
      }
      wl_free_str(name);
      wl_free_str(value);
    }
  }
  wl_free_str(isa);
  wl_free_str(triple);
  wl_free_str(producer);
  if (r.failed) goto bad;
  const sec *text = find(s, shnum, ".text"), *ro = find(s, shnum, ".rodata");
  a->text_size = text->size;
  a->rodata_size = ro->size;
  /* code ranges */
  SECTION(".windlass.funcs");
  a->ncode = rd_count(&r, 20);
  a->code = wl_xalloc(sizeof(wl_code) * a->ncode);
  uint64_t end = 0;
  for (uint32_t i = 0; i < a->ncode && !r.failed; i++) {
    wl_code *c = &a->code[i];
    c->off = rd_u32(&r); c->size = rd_u32(&r); c->kind = rd_u32(&r); c->module = rd_u32(&r); c->index = rd_u32(&r);
    if (c->kind > 2 || c->size == 0 || c->off < end || (uint64_t)c->off + c->size > a->text_size) rd_fail(&r, "code range %u", i);
    end = (uint64_t)c->off + c->size;
  }
  if (r.failed) goto bad;
  SECTION(".windlass.sigs");
  a->nsigs = rd_count(&r, 16);
  a->sigs = wl_xalloc(sizeof(wl_sig) * a->nsigs);
  for (uint32_t i = 0; i < a->nsigs && !r.failed; i++) {
    wl_sig *g = &a->sigs[i];
    g->np = rd_count(&r, 1);
    g->params = wl_xalloc(g->np);
    for (uint32_t k = 0; k < g->np; k++) g->params[k] = rd_u8(&r);
    g->nr = rd_count(&r, 1);
    g->results = wl_xalloc(g->nr);
    for (uint32_t k = 0; k < g->nr; k++) g->results[k] = rd_u8(&r);
    uint32_t en = rd_u32(&r), ex = rd_u32(&r);
    if (!r.failed && ((en != WL_NONE && (en >= a->ncode || a->code[en].kind != WL_CODE_ENTRY)) || (ex != WL_NONE && (ex >= a->ncode || a->code[ex].kind != WL_CODE_EXIT)))) rd_fail(&r, "trampolines of signature %u", i);
    g->entry = en == WL_NONE ? -1 : (int32_t)en;
    g->exit = ex == WL_NONE ? -1 : (int32_t)ex;
    g->rt = canonical_sig(g);
  }
  if (r.failed) goto bad;
  SECTION(".windlass.module");
  a->nmodules = rd_count(&r, 40);
  a->modules = wl_xalloc(sizeof(wl_module) * a->nmodules);
  for (uint32_t i = 0; i < a->nmodules && !r.failed; i++) parse_module(&r, a, &a->modules[i]);
  if (r.failed) goto bad;
  for (int t = 0; t < 2; t++) {
    SECTION(t == 0 ? ".windlass.traps" : ".windlass.addrmap");
    uint32_t k = rd_count(&r, 8), *pairs = wl_xalloc(8 * (size_t)k + 8);
    for (uint32_t i = 0; i < 2 * k; i++) pairs[i] = rd_u32(&r);
    for (uint32_t i = 1; i < k && !r.failed; i++)
      if (pairs[2 * i] <= pairs[2 * i - 2]) rd_fail(&r, "entries out of order");
    if (t == 0) { a->ntraps = k; a->traps = pairs; } else { a->naddr = k; a->addr = pairs; }
  }
  SECTION(".windlass.names");
  a->nnames = rd_count(&r, 12);
  a->names = wl_xalloc(sizeof(*a->names) * a->nnames);
  for (uint32_t i = 0; i < a->nnames && !r.failed; i++) {
    a->names[i].module = rd_u32(&r);
    a->names[i].func = rd_u32(&r);
    a->names[i].name = rd_str(&r);
  }
  if (r.failed) goto bad;

  /* Map .text near the loader, apply relocations, then make it read+execute. */
  a->text_map = page_round(a->text_size ? a->text_size : 1);
  a->text = map_near(a->text_map);
  if (!a->text) { fail(err, errn, "cannot map %zu bytes of code: %s", a->text_size, strerror(errno)); goto bad; }
  memcpy(a->text, b + text->off, a->text_size);
  for (uint32_t i = 1; i < shnum; i++) {
    if (s[i].type != 4) continue; /* SHT_RELA */
    if (strcmp(s[i].name, ".rela.text") != 0 || s[i].link >= shnum || s[i].size % 24 != 0) { fail(err, errn, "bad relocation section %s", s[i].name); goto bad; }
    const sec *symtab = &s[s[i].link];
    if (symtab->type != 2 || symtab->link >= shnum || symtab->size % 24 != 0) { fail(err, errn, "bad symbol table"); goto bad; }
    const sec *strtab = &s[symtab->link];
    for (uint64_t at = 0; at < s[i].size; at += 24) {
      const uint8_t *e = b + s[i].off + at;
      uint64_t off = e64(e), info = e64(e + 8);
      int64_t addend = (int64_t)e64(e + 16);
      uint32_t symi = (uint32_t)(info >> 32);
      if ((uint64_t)symi * 24 >= symtab->size) { fail(err, errn, "relocation names symbol %u", symi); goto bad; }
      uint32_t name = e32(b + symtab->off + (size_t)symi * 24);
      if (name >= strtab->size || memchr(b + strtab->off + name, 0, strtab->size - name) == NULL) { fail(err, errn, "bad symbol name"); goto bad; }
      const char *sym = (const char *)b + strtab->off + name;
      void *addr = wl_runtime_symbol(sym);
      if (!addr) { fail(err, errn, "relocation to %s, which this loader does not provide", sym); goto bad; }
      if (off >= a->text_size) { fail(err, errn, "relocation at %llu leaves .text", (unsigned long long)off); goto bad; }
      if (wl_apply_reloc(a->text, a->text_size, off, (uint32_t)info, (uint64_t)(uintptr_t)addr, addend, err, errn) != 0) goto bad;
    }
  }
  __builtin___clear_cache((char *)a->text, (char *)a->text + a->text_size);
  if (mprotect(a->text, a->text_map, PROT_READ | PROT_EXEC) != 0) { fail(err, errn, "cannot make the code executable: %s", strerror(errno)); goto bad; }
  a->rodata_map = page_round(a->rodata_size ? a->rodata_size : 1);
  a->rodata = mmap(NULL, a->rodata_map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a->rodata == MAP_FAILED) { a->rodata = NULL; fail(err, errn, "cannot map .rodata"); goto bad; }
  memcpy(a->rodata, b + ro->off, a->rodata_size);
  mprotect(a->rodata, a->rodata_map, PROT_READ);
  free(s);
  if (nartifacts == MAX_ARTIFACTS) { fail(err, errn, "too many artifacts in one loader"); return NULL; }
  a->id = nartifacts;
  artifacts[nartifacts++] = a;
  return a;
bad:
  /* Parsed structures are leaked on this path: the loader's lifetime is the runtime's, and bad
     artifacts are refused by the runtime before they get here. */
  if (a->text) {
    if (in_arena(a->text)) mprotect(a->text, a->text_map, PROT_NONE);
    else munmap(a->text, a->text_map);
  }
  free(s);
  return NULL;
#undef SECTION
}

wl_artifact *wl_artifact_by_id(uint32_t id) { return id < nartifacts ? artifacts[id] : NULL; }

/* The code range holding `pc`, in any loaded artifact (signal-safe: no allocation). */
const wl_code *wl_code_at(uintptr_t pc, wl_artifact **out) {
  for (uint32_t i = 0; i < nartifacts; i++) {
    wl_artifact *a = artifacts[i];
    uintptr_t base = (uintptr_t)a->text;
    if (pc < base || pc >= base + a->text_size) continue;
    uint32_t off = (uint32_t)(pc - base), lo = 0, hi = a->ncode;
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (a->code[mid].off + a->code[mid].size <= off) lo = mid + 1;
      else hi = mid;
    }
    if (lo < a->ncode && a->code[lo].off <= off) {
      if (out) *out = a;
      return &a->code[lo];
    }
    return NULL;
  }
  return NULL;
}

static int32_t last_at_or_before(const uint32_t *pairs, uint32_t n, uint32_t off) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (pairs[2 * mid] <= off) lo = mid + 1;
    else hi = mid;
  }
  return (int32_t)lo - 1;
}

uint32_t wl_wasm_offset(const wl_artifact *a, uint32_t off) {
  int32_t i = last_at_or_before(a->addr, a->naddr, off);
  return i < 0 ? WL_NONE : a->addr[2 * i + 1];
}

int wl_trap_code_at(const wl_artifact *a, uint32_t off, uint32_t *code) {
  int32_t i = last_at_or_before(a->traps, a->ntraps, off);
  if (i < 0 || a->traps[2 * i] != off) return 0;
  *code = a->traps[2 * i + 1];
  return 1;
}

const char *wl_func_name(const wl_artifact *a, uint32_t module, uint32_t func) {
  for (uint32_t i = 0; i < a->nnames; i++)
    if (a->names[i].module == module && a->names[i].func == func) return a->names[i].name;
  return NULL;
}
