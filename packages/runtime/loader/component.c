/*
 * Components: the instantiation plan of a component artifact executed step by step (its core
 * modules and adapters instantiated, each import bound to what the plan names), and the runtime
 * functions adapters import from "wl": traps with component-model messages, string transcoding
 * between two memories, resource tables (handles own / borrow, lends, borrow scopes), the host
 * memory the host's form of values lives in, and each component instance's flags global.
 *
 *   resource tables   one per component instance (global id; 0 is the host's), index 0 unused,
 *                     freed indexes reused last-in first-out
 *   resource types    global ids: the component instance that defines one, its destructor
 *   borrow scopes     a stack: one per call through an adapter whose parameters hold borrows
 *   host memory       one memory for the whole loader, a bump allocator with marks
 */
#include "wl.h"
#include "component.h"
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MAY_LEAVE 1u
#define TABLE_MAX ((1u << 28) - 1)

typedef struct { uint32_t type, rep, lends, scope, serial; uint8_t own, used; } wl_handle;
typedef struct { wl_handle *h; uint32_t n, cap; uint32_t *freel; uint32_t nfree, capfree; } wl_rtable;
typedef struct { wl_rtable table; wl_global *flags; } wl_comp;
typedef struct { uint32_t owner; int has_dtor; wl_funcref dtor; } wl_rtype;
typedef struct { uint32_t comp, index, serial; } wl_ref;
typedef struct { wl_ref *lent; uint32_t nlent, caplent; wl_ref *made; uint32_t nmade, capmade; uint32_t borrows; } wl_scope;

static wl_comp **comps;
static uint32_t ncomps, capcomps;
static wl_rtype *rtypes;
static uint32_t nrtypes = 1, caprtypes;
static wl_scope *scopes;
static uint32_t nscopes, capscopes;
static uint32_t serials;
static wl_cinstance **cinstances;
static uint32_t ncinstances, capcinstances;
static wl_memory *host_mem;
static uint32_t host_bump;

/* Grows an array to hold `need` items; the new items are zeroed. */
static void *grow(void *p, uint32_t *cap, uint32_t need, size_t size) {
  if (need <= *cap) return p;
  uint32_t c = *cap ? *cap : 8;
  while (c < need) c *= 2;
  p = realloc(p, (size_t)c * size);
  if (!p) exit(70);
  memset((uint8_t *)p + (size_t)*cap * size, 0, (size_t)(c - *cap) * size);
  *cap = c;
  return p;
}

/* ------------------------------------------------------------------ traps */

_Noreturn static void ctrap(uint32_t code, uint32_t a, uint32_t b) {
  char msg[256];
  switch (code) {
  case WL_CTRAP_INVALID_DISCRIMINANT: snprintf(msg, sizeof msg, "invalid variant discriminant: discriminant %u out of range [0..%u)", a, b); break;
  case WL_CTRAP_INVALID_CHAR: snprintf(msg, sizeof msg, "invalid `char` bit pattern 0x%x", a); break;
  case WL_CTRAP_UNKNOWN_HANDLE: snprintf(msg, sizeof msg, "unknown handle index %u", a); break;
  case WL_CTRAP_WRONG_TYPE: snprintf(msg, sizeof msg, "handle index %u used with the wrong type, expected guest-defined resource but found a different guest-defined resource", a); break;
  case WL_CTRAP_NOT_OWNED: snprintf(msg, sizeof msg, "handle index %u is a borrow, not an owned resource", a); break;
  default: snprintf(msg, sizeof msg, "%s", wl_trap_message(code));
  }
  wl_trap_msg(code, msg);
}

const char *wl_component_trap_message(uint32_t code) {
  switch (code) {
  case WL_CTRAP_CANNOT_ENTER: return "cannot enter component instance";
  case WL_CTRAP_CANNOT_LEAVE: return "cannot leave component instance";
  case WL_CTRAP_UNALIGNED: return "unaligned pointer";
  case WL_CTRAP_REALLOC_OOB: return "realloc return: beyond end of memory";
  case WL_CTRAP_STRING_OOB: return "string content out-of-bounds";
  case WL_CTRAP_STRING_UNALIGNED: return "string pointer not aligned to 2";
  case WL_CTRAP_LIST_OOB: return "list content out-of-bounds";
  case WL_CTRAP_LIST_UNALIGNED: return "list pointer not aligned";
  case WL_CTRAP_INVALID_DISCRIMINANT: return "invalid variant discriminant";
  case WL_CTRAP_INVALID_CHAR: return "invalid `char` bit pattern";
  case WL_CTRAP_RETURN_UNALIGNED: return "return pointer not aligned";
  case WL_CTRAP_RETURN_OOB: return "return pointer out of bounds";
  case WL_CTRAP_PARAMS_UNALIGNED: return "parameter pointer not aligned";
  case WL_CTRAP_PARAMS_OOB: return "parameter pointer out of bounds";
  case WL_CTRAP_INVALID_UTF8: return "invalid utf-8 string";
  case WL_CTRAP_INVALID_UTF16: return "invalid utf-16 string";
  case WL_CTRAP_BORROWS_REMAIN: return "borrow handles still remain at the end of the call";
  case WL_CTRAP_UNKNOWN_HANDLE: return "unknown handle index";
  case WL_CTRAP_WRONG_TYPE: return "handle used with the wrong type";
  case WL_CTRAP_OWNED_WHILE_BORROWED: return "cannot remove owned resource while borrowed";
  case WL_CTRAP_NOT_OWNED: return "handle is a borrow, not an owned resource";
  case WL_CTRAP_TABLE_FULL: return "resource table full";
  case WL_CTRAP_HOST_OOM: return "the host memory is full";
  default: return NULL;
  }
}

/* Slot k of a host function's values (16 bytes each), as an i32 / i64 in native order. */
static inline uint32_t arg32(uint64_t *v, int k) { uint32_t x; memcpy(&x, v + 2 * k, 4); return x; }
static inline void ret32(uint64_t *v, uint32_t x) { memcpy(v, &x, 4); }
static inline void ret64(uint64_t *v, uint64_t x) { memcpy(v, &x, 8); }
static inline wl_hostctx *hctx(void *ctx) { return (wl_hostctx *)ctx; }

static void rt_trap(void *ctx, uint64_t *v) {
  (void)ctx;
  ctrap(arg32(v, 0), arg32(v, 1), arg32(v, 2));
}

/* ------------------------------------------------------------------ component instances and tables */

uint32_t wl_comp_new(void) {
  comps = grow(comps, &capcomps, ncomps + 1, sizeof *comps);
  wl_comp *c = wl_xalloc(sizeof *c);
  c->flags = aligned_alloc(16, sizeof(wl_global) + 16);
  if (!c->flags) exit(70);
  memset(c->flags, 0, sizeof(wl_global));
  c->flags->type = 0x7f;
  c->flags->mut = 1;
  uint32_t f = MAY_LEAVE;
  memcpy(c->flags->value, &f, 4);
  c->table.h = wl_xalloc(sizeof(wl_handle));
  c->table.n = c->table.cap = 1; /* index 0 is never a handle */
  comps[ncomps] = c;
  return ncomps++;
}

static wl_comp *comp(uint32_t id) {
  if (ncomps == 0) wl_comp_new(); /* the host's */
  return id < ncomps ? comps[id] : NULL;
}

static uint32_t flags_of(wl_comp *c) {
  uint32_t f;
  memcpy(&f, c->flags->value, 4);
  return f;
}

static uint32_t table_add(wl_rtable *t, wl_handle h) {
  uint32_t i;
  if (t->nfree) i = t->freel[--t->nfree];
  else {
    if (t->n > TABLE_MAX) ctrap(WL_CTRAP_TABLE_FULL, 0, 0);
    t->h = grow(t->h, &t->cap, t->n + 1, sizeof(wl_handle));
    i = t->n++;
  }
  h.used = 1;
  h.serial = ++serials;
  t->h[i] = h;
  return i;
}

static wl_handle *table_get(wl_rtable *t, uint32_t i) {
  if (i >= t->n || !t->h[i].used) ctrap(WL_CTRAP_UNKNOWN_HANDLE, i, 0);
  return &t->h[i];
}

static wl_handle table_remove(wl_rtable *t, uint32_t i) {
  wl_handle h = *table_get(t, i);
  t->h[i].used = 0;
  t->freel = grow(t->freel, &t->capfree, t->nfree + 1, sizeof(uint32_t));
  t->freel[t->nfree++] = i;
  return h;
}

uint32_t wl_rtype_new(uint32_t owner) {
  rtypes = grow(rtypes, &caprtypes, nrtypes + 1, sizeof *rtypes);
  memset(&rtypes[nrtypes], 0, sizeof *rtypes);
  rtypes[nrtypes].owner = owner;
  return nrtypes++;
}

int wl_rtype_valid(uint32_t id) { return id > 0 && id < nrtypes; }

/* The component instance and runtime resource type a resource function was bound with. */
static wl_comp *bound_comp(void *ctx) { return comps[hctx(ctx)->args[0]]; }
static uint32_t bound_type(void *ctx) { return hctx(ctx)->args[1]; }

static void check_leave(wl_comp *c) {
  if (!(flags_of(c) & MAY_LEAVE)) ctrap(WL_CTRAP_CANNOT_LEAVE, 0, 0);
}

static void rt_resource_new(void *ctx, uint64_t *v) {
  wl_comp *c = bound_comp(ctx);
  check_leave(c);
  wl_handle h = {0};
  h.type = bound_type(ctx);
  h.rep = arg32(v, 0);
  h.own = 1;
  ret32(v, table_add(&c->table, h));
}

static void rt_resource_rep(void *ctx, uint64_t *v) {
  wl_comp *c = bound_comp(ctx);
  uint32_t i = arg32(v, 0);
  wl_handle *h = table_get(&c->table, i);
  if (h->type != bound_type(ctx)) ctrap(WL_CTRAP_WRONG_TYPE, i, 0);
  ret32(v, h->rep);
}

/* Drops a handle: returns the representation when the destructor must run, else -1 (as i64). */
static void rt_resource_drop(void *ctx, uint64_t *v) {
  wl_comp *c = bound_comp(ctx);
  check_leave(c);
  uint32_t i = arg32(v, 0);
  wl_handle h = table_remove(&c->table, i);
  if (h.type != bound_type(ctx)) ctrap(WL_CTRAP_WRONG_TYPE, i, 0);
  if (h.lends) ctrap(WL_CTRAP_OWNED_WHILE_BORROWED, i, 0);
  if (!h.own) {
    if (h.scope && h.scope <= nscopes) scopes[h.scope - 1].borrows--;
    ret64(v, ~0ull);
    return;
  }
  ret64(v, rtypes[h.type].has_dtor ? (uint64_t)h.rep : ~0ull);
}

static void rt_own_lift(void *ctx, uint64_t *v) {
  wl_comp *c = bound_comp(ctx);
  uint32_t i = arg32(v, 0);
  wl_handle *p = table_get(&c->table, i);
  if (p->type != bound_type(ctx)) ctrap(WL_CTRAP_WRONG_TYPE, i, 0);
  if (p->lends) ctrap(WL_CTRAP_OWNED_WHILE_BORROWED, i, 0);
  if (!p->own) ctrap(WL_CTRAP_NOT_OWNED, i, 0);
  ret32(v, table_remove(&c->table, i).rep);
}

static void rt_own_lower(void *ctx, uint64_t *v) {
  wl_handle h = {0};
  h.type = bound_type(ctx);
  h.rep = arg32(v, 0);
  h.own = 1;
  ret32(v, table_add(&bound_comp(ctx)->table, h));
}

static wl_scope *top_scope(void) {
  if (!nscopes) ctrap(WL_TRAP_UNREACHABLE, 0, 0);
  return &scopes[nscopes - 1];
}

static void rt_borrow_lift(void *ctx, uint64_t *v) {
  uint32_t cid = hctx(ctx)->args[0];
  wl_comp *c = comps[cid];
  uint32_t i = arg32(v, 0);
  wl_handle *h = table_get(&c->table, i);
  if (h->type != bound_type(ctx)) ctrap(WL_CTRAP_WRONG_TYPE, i, 0);
  wl_scope *s = top_scope();
  s->lent = grow(s->lent, &s->caplent, s->nlent + 1, sizeof(wl_ref));
  s->lent[s->nlent++] = (wl_ref){cid, i, h->serial};
  h->lends++;
  ret32(v, h->rep);
}

static void rt_borrow_lower(void *ctx, uint64_t *v) {
  uint32_t cid = hctx(ctx)->args[0];
  uint32_t type = bound_type(ctx);
  uint32_t rep = arg32(v, 0);
  /* The instance that defines the resource gets its representation. */
  if (rtypes[type].owner == cid) {
    ret32(v, rep);
    return;
  }
  wl_scope *s = top_scope();
  wl_handle h = {0};
  h.type = type;
  h.rep = rep;
  h.scope = nscopes;
  uint32_t i = table_add(&comps[cid]->table, h);
  s->borrows++;
  s->made = grow(s->made, &s->capmade, s->nmade + 1, sizeof(wl_ref));
  s->made[s->nmade++] = (wl_ref){cid, i, comps[cid]->table.h[i].serial};
  ret32(v, i);
}

static void rt_call_begin(void *ctx, uint64_t *v) {
  (void)ctx;
  (void)v;
  scopes = grow(scopes, &capscopes, nscopes + 1, sizeof *scopes);
  wl_scope *s = &scopes[nscopes++];
  s->nlent = s->nmade = s->borrows = 0;
}

static wl_handle *ref_get(wl_ref r) {
  wl_rtable *t = &comps[r.comp]->table;
  return r.index < t->n && t->h[r.index].used && t->h[r.index].serial == r.serial ? &t->h[r.index] : NULL;
}

static void rt_call_end(void *ctx, uint64_t *v) {
  (void)ctx;
  (void)v;
  wl_scope *s = top_scope();
  /* Borrows lent to the host (the host's form) end with the call. */
  for (uint32_t k = 0; k < s->nmade; k++) {
    if (s->made[k].comp != WL_HOST_COMP) continue;
    wl_handle *h = ref_get(s->made[k]);
    if (h) {
      table_remove(&comps[WL_HOST_COMP]->table, s->made[k].index);
      s->borrows--;
    }
  }
  if (s->borrows) ctrap(WL_CTRAP_BORROWS_REMAIN, 0, 0);
  for (uint32_t k = 0; k < s->nlent; k++) {
    wl_handle *h = ref_get(s->lent[k]);
    if (h && h->lends) h->lends--;
  }
  nscopes--;
}

/* ------------------------------------------------------------------ the host memory */

static wl_memory *host_memory(void) {
  if (host_mem) return host_mem;
  host_mem = wl_xalloc(sizeof *host_mem);
  host_mem->max_pages = 65536;
  host_mem->reserved = 8ull << 30; /* room for code compiled with guard-page bounds checks */
  void *p = mmap(NULL, host_mem->reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    fprintf(stderr, "windlass-loader: cannot reserve the host memory\n");
    exit(70);
  }
  host_mem->base = p;
  return host_mem;
}

/* Makes the host memory at least `bytes` long; 0 when it cannot. */
static int host_reserve(uint64_t bytes) {
  wl_memory *m = host_memory();
  if (bytes <= m->len) return 1;
  if (bytes > (4ull << 30)) return 0;
  uint64_t len = (bytes + WL_PAGE - 1) / WL_PAGE * WL_PAGE;
  if (mprotect(m->base + m->len, len - m->len, PROT_READ | PROT_WRITE) != 0) return 0;
  m->len = len;
  return 1;
}

static void rt_host_realloc(void *ctx, uint64_t *v) {
  (void)ctx;
  uint32_t old = arg32(v, 0), old_size = arg32(v, 1), align = arg32(v, 2), size = arg32(v, 3);
  if (align == 0 || (align & (align - 1))) align = 1;
  uint64_t at;
  if (old && (uint64_t)old + old_size == host_bump) at = old; /* the last allocation grows in place */
  else at = ((uint64_t)host_bump + align - 1) & ~(uint64_t)(align - 1);
  if (!host_reserve(at + size)) ctrap(WL_CTRAP_HOST_OOM, 0, 0);
  if (old && at != old) memmove(host_mem->base + at, host_mem->base + old, old_size < size ? old_size : size);
  host_bump = (uint32_t)(at + size);
  ret32(v, (uint32_t)at);
}

static void rt_host_mark(void *ctx, uint64_t *v) {
  (void)ctx;
  ret32(v, host_bump);
}

static void rt_host_release(void *ctx, uint64_t *v) {
  (void)ctx;
  uint32_t m = arg32(v, 0);
  if (m <= host_bump) host_bump = m;
}

static void rt_nop_dtor(void *ctx, uint64_t *v) {
  (void)ctx;
  (void)v;
}

/* ------------------------------------------------------------------ transcoding */

static uint8_t *mem_range(wl_instance *I, uint32_t mem, uint32_t at, uint64_t bytes) {
  if (mem >= I->mod->nmems || (uint64_t)at + bytes > I->mems[mem]->len) wl_trap(WL_TRAP_HEAP_OOB);
  return I->mems[mem]->base + at;
}

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline void put16(uint8_t *p, uint32_t u) { p[0] = (uint8_t)u; p[1] = (uint8_t)(u >> 8); }

/* The next code point of UTF-8 at s[*i] (n bytes), advancing *i; traps on malformed input. */
static uint32_t utf8_next(const uint8_t *s, uint32_t n, uint32_t *i) {
  uint32_t b = s[*i], cp, len;
  if (b < 0x80) { (*i)++; return b; }
  if (b >= 0xc2 && b <= 0xdf) { cp = b & 0x1f; len = 2; }
  else if (b >= 0xe0 && b <= 0xef) { cp = b & 0x0f; len = 3; }
  else if (b >= 0xf0 && b <= 0xf4) { cp = b & 0x07; len = 4; }
  else ctrap(WL_CTRAP_INVALID_UTF8, 0, 0);
  if (*i + len > n) ctrap(WL_CTRAP_INVALID_UTF8, 0, 0);
  for (uint32_t k = 1; k < len; k++) {
    uint32_t c = s[*i + k];
    if ((c & 0xc0) != 0x80) ctrap(WL_CTRAP_INVALID_UTF8, 0, 0);
    cp = cp << 6 | (c & 0x3f);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) ctrap(WL_CTRAP_INVALID_UTF8, 0, 0);
  *i += len;
  return cp;
}

/* The next code point of UTF-16 (n units) at unit *i; traps on an unpaired surrogate. */
static uint32_t utf16_next(const uint8_t *s, uint32_t n, uint32_t *i) {
  uint32_t u = get16(s + 2 * *i);
  (*i)++;
  if (u < 0xd800 || u > 0xdfff) return u;
  if (u >= 0xdc00 || *i >= n) ctrap(WL_CTRAP_INVALID_UTF16, 0, 0);
  uint32_t l = get16(s + 2 * *i);
  if (l < 0xdc00 || l > 0xdfff) ctrap(WL_CTRAP_INVALID_UTF16, 0, 0);
  (*i)++;
  return 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
}

static uint32_t put_utf8(uint8_t *d, uint32_t cp) {
  if (cp < 0x80) { d[0] = (uint8_t)cp; return 1; }
  if (cp < 0x800) { d[0] = (uint8_t)(0xc0 | cp >> 6); d[1] = (uint8_t)(0x80 | (cp & 0x3f)); return 2; }
  if (cp < 0x10000) { d[0] = (uint8_t)(0xe0 | cp >> 12); d[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f)); d[2] = (uint8_t)(0x80 | (cp & 0x3f)); return 3; }
  d[0] = (uint8_t)(0xf0 | cp >> 18); d[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f)); d[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f)); d[3] = (uint8_t)(0x80 | (cp & 0x3f));
  return 4;
}

static uint32_t put_utf16(uint8_t *d, uint32_t cp) {
  if (cp < 0x10000) { put16(d, cp); return 1; }
  cp -= 0x10000;
  put16(d, 0xd800 + (cp >> 10));
  put16(d + 2, 0xdc00 + (cp & 0x3ff));
  return 2;
}

/* transcode(kind, srcmem, src, len, dstmem, dst, cap) -> i64 (read << 32 | written); see runtime-abi.ts. */
static void rt_transcode(void *ctx, uint64_t *v) {
  wl_instance *I = hctx(ctx)->inst;
  uint32_t kind = arg32(v, 0), sm = arg32(v, 1), src = arg32(v, 2), len = arg32(v, 3), dm = arg32(v, 4), dst = arg32(v, 5), cap = arg32(v, 6);
  uint64_t read = 0, written = 0;
  switch (kind) {
  case 1: case 2: {
    int u16 = kind == 1;
    const uint8_t *s = mem_range(I, sm, src, (uint64_t)len * (u16 ? 2 : 1));
    uint8_t *d = mem_range(I, dm, dst, cap);
    uint32_t i = 0;
    while (i < len && i < cap) {
      uint32_t u = u16 ? get16(s + 2 * i) : s[i];
      if (u >= 0x80) break;
      d[i++] = (uint8_t)u;
    }
    read = written = i;
    break;
  }
  case 3: case 4: {
    int u16 = kind == 3;
    const uint8_t *s = mem_range(I, sm, src, (uint64_t)len * (u16 ? 2 : 1));
    uint8_t *d = mem_range(I, dm, dst, cap);
    uint32_t i = 0, w = 0;
    uint8_t tmp[4];
    while (i < len) {
      uint32_t cp = u16 ? utf16_next(s, len, &i) : s[i++];
      uint32_t k = put_utf8(tmp, cp);
      if (w + k > cap) wl_trap(WL_TRAP_HEAP_OOB);
      memcpy(d + w, tmp, k);
      w += k;
    }
    read = len;
    written = w;
    break;
  }
  case 5: {
    const uint8_t *s = mem_range(I, sm, src, len);
    uint8_t *d = mem_range(I, dm, dst, (uint64_t)cap * 2);
    uint32_t i = 0, w = 0;
    uint8_t tmp[4];
    while (i < len) {
      uint32_t cp = utf8_next(s, len, &i);
      uint32_t k = put_utf16(tmp, cp);
      if (w + k > cap) wl_trap(WL_TRAP_HEAP_OOB);
      memcpy(d + 2 * w, tmp, 2 * k);
      w += k;
    }
    read = len;
    written = w;
    break;
  }
  case 6: {
    const uint8_t *s = mem_range(I, sm, src, len);
    uint8_t *d = mem_range(I, dm, dst, (uint64_t)len * 2);
    if (len > cap) wl_trap(WL_TRAP_HEAP_OOB);
    for (uint32_t i = 0; i < len; i++) put16(d + 2 * i, s[i]);
    read = written = len;
    break;
  }
  case 7: case 8: {
    int u16 = kind == 8;
    const uint8_t *s = mem_range(I, sm, src, (uint64_t)len * (u16 ? 2 : 1));
    uint8_t *d = mem_range(I, dm, dst, cap);
    uint32_t i = 0, w = 0;
    while (i < len) {
      uint32_t at = i;
      uint32_t cp = u16 ? utf16_next(s, len, &i) : utf8_next(s, len, &i);
      if (cp > 0xff) { i = at; break; }
      if (w >= cap) wl_trap(WL_TRAP_HEAP_OOB);
      d[w++] = (uint8_t)cp;
    }
    read = i;
    written = w;
    break;
  }
  case 9: {
    uint8_t *d = mem_range(I, dm, dst, (uint64_t)len * 2);
    for (uint32_t j = len; j-- > 0;) put16(d + 2 * j, d[j]);
    written = len;
    break;
  }
  case 10: {
    uint8_t *d = mem_range(I, dm, dst, (uint64_t)len * 2);
    uint32_t i = 0;
    while (i < len && get16(d + 2 * i) <= 0xff) i++;
    if (i == len) {
      for (uint32_t j = 0; j < len; j++) d[j] = d[2 * j];
      written = 1;
    }
    break;
  }
  default:
    wl_trap(WL_TRAP_UNREACHABLE);
  }
  ret64(v, read << 32 | written);
}

/* ------------------------------------------------------------------ runtime functions by index (plan.ts order) */

typedef struct { wl_host_fn fn; const char *params, *results; int bound; } wl_rtfn;
static const wl_rtfn RTFNS[] = {
  {rt_trap, "\x7f\x7f\x7f", "", 0},
  {rt_transcode, "\x7f\x7f\x7f\x7f\x7f\x7f\x7f", "\x7e", 0},
  {rt_call_begin, "", "", 0},
  {rt_call_end, "", "", 0},
  {rt_host_mark, "", "\x7f", 0},
  {rt_host_release, "\x7f", "", 0},
  {rt_host_realloc, "\x7f\x7f\x7f\x7f", "\x7f", 0},
  {rt_resource_new, "\x7f", "\x7f", 1},
  {rt_resource_rep, "\x7f", "\x7f", 1},
  {rt_resource_drop, "\x7f", "\x7e", 1},
  {rt_own_lift, "\x7f", "\x7f", 1},
  {rt_own_lower, "\x7f", "\x7f", 1},
  {rt_borrow_lift, "\x7f", "\x7f", 1},
  {rt_borrow_lower, "\x7f", "\x7f", 1},
};
#define NRTFNS (sizeof RTFNS / sizeof *RTFNS)
static const wl_rtfn NOP_DTOR = {rt_nop_dtor, "\x7f", "", 0};

static void host_extern(const wl_rtfn *f, uint32_t a0, uint32_t a1, wl_extern *e) {
  memset(e, 0, sizeof *e);
  e->kind = WL_FUNC;
  e->host = f->fn;
  e->hp = (const uint8_t *)f->params;
  e->hnp = (uint32_t)strlen(f->params);
  e->hr = (const uint8_t *)f->results;
  e->hnr = (uint32_t)strlen(f->results);
  e->args[0] = a0;
  e->args[1] = a1;
}

/* ------------------------------------------------------------------ instantiation of a plan */

wl_cinstance *wl_find_cinstance(uint32_t id) { return id < ncinstances ? cinstances[id] : NULL; }

static int fail(wl_outcome *o, int status, const char *fmt, ...) {
  o->status = status;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(o->message, sizeof o->message, fmt, ap);
  va_end(ap);
  return -1;
}

static uint32_t global_comp(wl_cinstance *C, uint32_t c) { return c == 0xffffffffu ? WL_HOST_COMP : C->comp[c]; }

/* Reads one item of the request and resolves it to an extern. */
static int read_item(wl_msg *m, wl_cinstance *C, uint32_t step, wl_extern *e, wl_outcome *o) {
  memset(e, 0, sizeof *e);
  uint8_t k = msg_u8(m);
  switch (k) {
  case 0: {
    uint32_t s = msg_u32(m);
    char *name = msg_str(m);
    if (m->bad) return fail(o, WL_ERROR, "truncated request");
    if (s >= step || !C->steps[s]) return fail(o, WL_ERROR, "step %u names step %u", step, s);
    if (wl_instance_export(C->steps[s], name, e) != 0) return fail(o, WL_LINK, "step %u: the instance of step %u has no export %s", step, s, name);
    return 0;
  }
  case 1: {
    uint8_t f = msg_u8(m);
    uint32_t n = msg_u32(m);
    if (m->bad || f >= NRTFNS || n != (RTFNS[f].bound ? 2u : 0u)) return fail(o, WL_ERROR, "bad runtime function %u", f);
    uint32_t a0 = 0, a1 = 0;
    if (n) {
      uint32_t c = msg_u32(m), r = msg_u32(m);
      if (m->bad || (c != 0xffffffffu && c >= C->ncomp) || r >= C->nres || !C->res[r]) return fail(o, WL_ERROR, "bad runtime function arguments");
      a0 = global_comp(C, c);
      a1 = C->res[r];
    }
    host_extern(&RTFNS[f], a0, a1, e);
    return 0;
  }
  case 2:
    e->kind = WL_MEMORY;
    e->memory = host_memory();
    return 0;
  case 3: {
    uint32_t c = msg_u32(m);
    if (m->bad || (c != 0xffffffffu && c >= C->ncomp)) return fail(o, WL_ERROR, "bad flags component");
    e->kind = WL_GLOBAL;
    e->global = comps[global_comp(C, c)]->flags;
    return 0;
  }
  case 4: {
    uint32_t slot = msg_u32(m);
    if (m->bad || slot >= C->nfuncs) return fail(o, WL_ERROR, "bad import slot");
    e->kind = WL_FUNC;
    e->func = C->funcs[slot];
    return 0;
  }
  case 5: {
    uint32_t r = msg_u32(m);
    if (m->bad || r >= C->nres || !C->res[r]) return fail(o, WL_ERROR, "bad destructor resource");
    wl_rtype *t = &rtypes[C->res[r]];
    if (t->has_dtor) {
      e->kind = WL_FUNC;
      e->func = t->dtor;
    } else host_extern(&NOP_DTOR, 0, 0, e);
    return 0;
  }
  }
  return fail(o, WL_ERROR, "bad item kind %u", k);
}

/*
 * INSTANTIATE_COMPONENT: the plan of a component artifact, its imports resolved by the runtime
 * (see protocol.h). On success the component instance; the outcome says why otherwise.
 */
wl_cinstance *wl_instantiate_component(wl_msg *m, unsigned *timeout_out, wl_outcome *o) {
  memset(o, 0, offsetof(wl_outcome, frames));
  o->message[0] = 0;
  comp(0);
  nscopes = 0;
  wl_cinstance *C = wl_xalloc(sizeof *C);
  uint32_t aid = msg_u32(m);
  C->art = wl_artifact_by_id(aid);
  if (!C->art) { fail(o, WL_ERROR, "unknown artifact"); return NULL; }
  C->ncomp = msg_u32(m);
  if (m->bad || C->ncomp == 0 || C->ncomp > m->n) { fail(o, WL_ERROR, "bad component instances"); return NULL; }
  C->comp = wl_xalloc(4 * (size_t)C->ncomp);
  for (uint32_t i = 0; i < C->ncomp; i++) C->comp[i] = wl_comp_new();
  C->nres = msg_u32(m);
  if (m->bad || C->nres > m->n) { fail(o, WL_ERROR, "bad resources"); return NULL; }
  C->res = wl_xalloc(4 * (size_t)C->nres + 4);
  for (uint32_t i = 0; i < C->nres && !m->bad; i++) {
    uint8_t k = msg_u8(m);
    uint32_t x = msg_u32(m);
    if (k == 1) {
      if (x >= C->ncomp) { fail(o, WL_ERROR, "bad resource owner"); return NULL; }
      C->res[i] = wl_rtype_new(C->comp[x]);
    } else if (k == 2) {
      if (!wl_rtype_valid(x)) { fail(o, WL_ERROR, "unknown runtime resource type %u", x); return NULL; }
      C->res[i] = x;
    }
  }
  C->nfuncs = msg_u32(m);
  if (m->bad || C->nfuncs > m->n) { fail(o, WL_ERROR, "bad imported functions"); return NULL; }
  C->funcs = wl_xalloc(sizeof(wl_funcref) * ((size_t)C->nfuncs + 1));
  for (uint32_t i = 0; i < C->nfuncs && !m->bad; i++) {
    wl_cinstance *P = wl_find_cinstance(msg_u32(m));
    uint32_t x = msg_u32(m);
    if (!P || x >= P->nexports) { fail(o, WL_ERROR, "imported function %u: unknown provider", i); return NULL; }
    C->funcs[i] = P->exports[x];
  }
  C->nmods = msg_u32(m);
  if (m->bad || C->nmods > m->n) { fail(o, WL_ERROR, "bad imported modules"); return NULL; }
  C->mods = wl_xalloc(sizeof(wl_module *) * ((size_t)C->nmods + 1));
  for (uint32_t i = 0; i < C->nmods && !m->bad; i++) {
    wl_artifact *a = wl_artifact_by_id(msg_u32(m));
    uint32_t x = msg_u32(m);
    if (!a || x >= a->nmodules) { fail(o, WL_ERROR, "imported module %u: unknown module", i); return NULL; }
    C->mods[i] = &a->modules[x];
  }
  unsigned timeout = msg_u32(m);
  *timeout_out = timeout;
  C->nsteps = msg_u32(m);
  if (m->bad || C->nsteps > m->n) { fail(o, WL_ERROR, "bad steps"); return NULL; }
  C->steps = wl_xalloc(sizeof(wl_instance *) * ((size_t)C->nsteps + 1));
  cinstances = grow(cinstances, &capcinstances, ncinstances + 1, sizeof *cinstances);
  C->id = ncinstances;
  for (uint32_t i = 0; i < C->nsteps; i++) {
    uint8_t k = msg_u8(m);
    if (k == 1) {
      uint32_t r = msg_u32(m);
      uint8_t has = msg_u8(m);
      if (m->bad || r >= C->nres || !C->res[r]) { fail(o, WL_ERROR, "bad resource step"); return NULL; }
      if (has) {
        wl_extern e;
        if (read_item(m, C, i, &e, o) != 0) return NULL;
        if (e.kind != WL_FUNC || e.host) { fail(o, WL_LINK, "the destructor of resource %u is not a wasm function", r); return NULL; }
        rtypes[C->res[r]].has_dtor = 1;
        rtypes[C->res[r]].dtor = e.func;
      }
      continue;
    }
    uint8_t mk = msg_u8(m);
    uint32_t mi = msg_u32(m), compi = msg_u32(m), nargs = msg_u32(m);
    if (m->bad || k != 0 || compi >= C->ncomp) { fail(o, WL_ERROR, "bad step %u", i); return NULL; }
    wl_module *mod;
    if (mk == 0) mod = mi < C->art->nmodules ? &C->art->modules[mi] : NULL;
    else mod = mi < C->nmods ? C->mods[mi] : NULL;
    if (!mod) { fail(o, WL_ERROR, "step %u: unknown module", i); return NULL; }
    if (mk == 0 && nargs != mod->nimports) { fail(o, WL_LINK, "step %u: the module has %u imports, the plan gives %u", i, mod->nimports, nargs); return NULL; }
    if (nargs > m->n) { fail(o, WL_ERROR, "bad step %u", i); return NULL; }
    wl_extern *ex = wl_xalloc(sizeof(wl_extern) * ((size_t)nargs + 1));
    for (uint32_t j = 0; j < nargs; j++)
      if (read_item(m, C, i, &ex[j], o) != 0) { free(ex); return NULL; }
    if (mk == 1) {
      /* An imported module: each of its imports is given the argument named like it. */
      char **mods = wl_xalloc(sizeof(char *) * ((size_t)nargs + 1)), **names = wl_xalloc(sizeof(char *) * ((size_t)nargs + 1));
      for (uint32_t j = 0; j < nargs; j++) { mods[j] = msg_str(m); names[j] = msg_str(m); }
      wl_extern *by = wl_xalloc(sizeof(wl_extern) * ((size_t)mod->nimports + 1));
      for (uint32_t k = 0; k < mod->nimports && !m->bad; k++) {
        uint32_t j = 0;
        while (j < nargs && !(wl_same(mods[j], mod->imports[k].module) && wl_same(names[j], mod->imports[k].name))) j++;
        if (j == nargs) { free(ex); free(by); fail(o, WL_LINK, "step %u: the module's import %s.%s is not given", i, mod->imports[k].module, mod->imports[k].name); return NULL; }
        by[k] = ex[j];
      }
      free(mods);
      free(names);
      free(ex);
      ex = by;
    }
    if (m->bad) { free(ex); fail(o, WL_ERROR, "truncated request"); return NULL; }
    wl_instance *I = wl_instantiate_externs(mod, ex, NULL, C, timeout, o);
    free(ex);
    if (!I) return NULL;
    C->steps[i] = I;
  }
  C->nexports = msg_u32(m);
  if (m->bad || C->nexports > m->n) { fail(o, WL_ERROR, "bad exports"); return NULL; }
  C->exports = wl_xalloc(sizeof(wl_funcref) * ((size_t)C->nexports + 1));
  C->export_sigs = wl_xalloc(sizeof(wl_sig *) * ((size_t)C->nexports + 1));
  for (uint32_t i = 0; i < C->nexports; i++) {
    uint32_t s = msg_u32(m);
    char *name = msg_str(m);
    if (m->bad || s >= C->nsteps || !C->steps[s]) { fail(o, WL_ERROR, "bad export %u", i); return NULL; }
    wl_instance *I = C->steps[s];
    const wl_export *ex = NULL;
    for (uint32_t j = 0; j < I->mod->nexports; j++)
      if (wl_same(I->mod->exports[j].name, name)) ex = &I->mod->exports[j];
    if (!ex || ex->kind != WL_FUNC) { fail(o, WL_LINK, "export %u: the instance of step %u has no function %s", i, s, name); return NULL; }
    C->exports[i] = *((wl_funcref *)(I->vmctx + I->mod->layout[5]) + ex->index);
    C->export_sigs[i] = &I->mod->art->sigs[I->mod->types[I->mod->func_types[ex->index]]];
  }
  if (m->bad) { fail(o, WL_ERROR, "truncated request"); return NULL; }
  cinstances[ncinstances++] = C;
  o->status = WL_OK;
  return C;
}

void wl_invoke_component_start(void) {
  comp(0);
  nscopes = 0;
  host_memory();
  host_bump = 16;
}

int wl_host_put(const uint8_t *blob, uint32_t n) {
  wl_invoke_component_start();
  if (!host_reserve(16ull + n + 8)) return -1;
  memcpy(host_mem->base + 16, blob, n);
  host_bump = (16 + n + 7) & ~7u;
  return 0;
}

const uint8_t *wl_host_bytes(uint32_t *n) {
  *n = host_bump;
  return host_mem ? host_mem->base : (const uint8_t *)"";
}

uint32_t wl_cinstance_resource(wl_cinstance *C, uint32_t r) { return r < C->nres ? C->res[r] : 0; }
