/*
 * The Windlass loader: maps artifacts written by @windlass/linker, builds instances from their
 * metadata and runs their code, for @windlass/runtime, which talks to it over two pipes
 * (protocol.c). One process holds any number of artifacts and instances.
 *
 *   main.c      the request loop
 *   protocol.c  framing and little-endian fields of the pipe protocol
 *   artifact.c  parsing an artifact (ELF + .windlass.* sections), mapping .text and .rodata
 *   reloc.c     the relocation kinds of each ISA, applied to the runtime symbols (libcalls.c)
 *   instance.c  imports, memories, tables, globals, segments, start; exports; invocation
 *   libcalls.c  the runtime functions compiled code calls (memory.grow, bulk operations)
 *   trap.c      the wasm stack, signals -> traps, backtraces, timeouts
 *   wasi.c      WASI preview 1, sandboxed to preopened directories
 *   arch.h      the per-ISA lines: registers in a signal context, frame-pointer walk
 */
#ifndef WL_H
#define WL_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WL_PAGE 65536ull
/* The artifact format version this loader reads (ARTIFACT_FORMAT_VERSION of @windlass/linker). */
#define WL_FORMAT_VERSION 2
#define WL_NONE 0xffffffffu

/* Trap codes, as @windlass/ir numbers them. */
#define WL_TRAP_STK_OVF 255
#define WL_TRAP_HEAP_OOB 254
#define WL_TRAP_INT_OVF 253
#define WL_TRAP_INT_DIVZ 252
#define WL_TRAP_BAD_TOINT 251
#define WL_TRAP_UNREACHABLE 1
#define WL_TRAP_TABLE_OOB 2
#define WL_TRAP_INDIRECT_NULL 3
#define WL_TRAP_BAD_SIGNATURE 4
#define WL_TRAP_UNDEFINED_ELEMENT 5

/* Code range kinds of .windlass.funcs. */
enum { WL_CODE_FUNCTION = 0, WL_CODE_ENTRY = 1, WL_CODE_EXIT = 2 };
/* Extern kinds. */
enum { WL_FUNC = 0, WL_TABLE = 1, WL_MEMORY = 2, WL_GLOBAL = 3 };

typedef struct { uint32_t min, max; int has_max; } wl_limits;
/* A constant expression: op as in .windlass.module, value in lo/hi (v128: 16 bytes LE). */
typedef struct { uint8_t op; uint8_t type; uint32_t index; uint64_t lo, hi; } wl_const;

typedef struct {
  uint32_t np, nr;
  uint8_t *params, *results;
  int32_t entry, exit; /* code range indexes, -1: none */
  uint32_t rt; /* runtime-canonical signature id (process-wide) */
} wl_sig;

typedef struct { uint32_t off, size, kind, module, index; } wl_code;

typedef struct {
  char *module, *name;
  uint8_t kind;
  uint32_t type;          /* function: type index */
  uint8_t elem;           /* table */
  wl_limits lim;          /* table, memory */
  uint8_t gtype, gmut;    /* global */
} wl_import;

typedef struct { char *name; uint8_t kind; uint32_t index; } wl_export;
typedef struct { uint8_t mode; uint32_t table; wl_const offset; uint8_t type; uint32_t n; wl_const *items; } wl_elem;
typedef struct { uint8_t mode; uint32_t memory; wl_const offset; uint32_t start, end; } wl_data;

struct wl_artifact;

typedef struct wl_module {
  struct wl_artifact *art;
  char *name;
  uint32_t ntypes, *types;
  uint32_t nimports;
  wl_import *imports;
  uint32_t nfuncs, nimported_funcs, *func_types;
  uint32_t ntables, nimported_tables;
  uint8_t *table_elem;
  wl_limits *table_lim;
  uint32_t nmems, nimported_mems;
  wl_limits *mem_lim;
  uint32_t nglobals, nimported_globals;
  uint8_t *global_type, *global_mut;
  wl_const *global_init; /* defined globals */
  uint32_t nexports;
  wl_export *exports;
  uint32_t start;
  uint32_t nelems;
  wl_elem *elems;
  uint32_t ndata;
  wl_data *data;
  uint32_t *func_code; /* code range of each defined function */
  uint32_t layout[6];  /* size, memory, tables, globals, sigIds, funcRefs */
} wl_module;

typedef struct wl_artifact {
  uint32_t id;
  uint8_t *text;
  size_t text_size, text_map;
  uint8_t *rodata;
  size_t rodata_size, rodata_map;
  uint32_t nsigs;
  wl_sig *sigs;
  uint32_t ncode;
  wl_code *code;
  uint32_t ntraps, *traps;  /* pairs: offset, code */
  uint32_t naddr, *addr;    /* pairs: offset, wasm offset */
  uint32_t nnames;
  struct wl_name { uint32_t module, func; char *name; } *names;
  uint32_t nmodules;
  wl_module *modules;
  int guard; /* compiled with guard-page bounds checks */
} wl_artifact;

/* Runtime objects. The first fields of each are the record the compiled code reads. */
typedef struct { uint8_t *base; uint64_t len; uint64_t max_pages; uint64_t reserved; int has_max; } wl_memory;
typedef struct { uint64_t *base; uint32_t len; uint32_t max; uint64_t cap; uint8_t elem, has_max; } wl_table;
typedef struct { uint64_t value[2]; uint8_t type, mut; } wl_global;
typedef struct { void *code; void *vmctx; uint32_t sig; uint32_t pad; } wl_funcref;

struct wl_instance;
typedef void (*wl_host_fn)(void *ctx, uint64_t *values);
/* What an imported host function's VMFuncRef points at as its vmctx; `args` are bound with it. */
typedef struct { wl_host_fn fn; struct wl_instance *inst; uint32_t which; uint32_t args[2]; } wl_hostctx;

/* What an import is given: a wasm function (its VMFuncRef), a host function with its wasm type
   and bound arguments, a table, a memory or a global. */
typedef struct {
  uint8_t kind;
  wl_funcref func;
  wl_host_fn host;
  const uint8_t *hp, *hr;
  uint32_t hnp, hnr;
  uint32_t args[2];
  wl_table *table;
  wl_memory *memory;
  wl_global *global;
} wl_extern;

struct wl_wasi;

typedef struct wl_instance {
  uint32_t id;
  wl_module *mod;
  uint8_t *vmctx;
  wl_memory **mems; /* every memory, imports first */
  wl_memory *mem;   /* memory 0 (WASI's), or NULL */
  wl_table **tables;
  wl_global **globals;
  uint64_t **elem_items;
  uint32_t *elem_len;
  const uint8_t **data_ptr;
  uint32_t *data_len;
  wl_hostctx *hosts;
  struct wl_wasi *wasi;
  struct wl_cinstance *cinst; /* the component instance it belongs to, or NULL */
} wl_instance;

/* The instance a vmctx belongs to (a header word precedes every vmctx). */
static inline wl_instance *wl_instance_of(void *vmctx) { return *(wl_instance **)((uint8_t *)vmctx - 16); }

/* ---- outcomes of running code */
enum { WL_OK = 0, WL_TRAP = 1, WL_EXIT = 2, WL_LINK = 3, WL_ERROR = 4, WL_CRASH = 5, WL_TIMEOUT = 6 };
#define WL_MAX_FRAMES 64
typedef struct {
  int status;
  uint32_t trap_code;
  int exit_code;
  int signal;
  uintptr_t pc, addr;
  uint32_t nframes;
  uintptr_t frames[WL_MAX_FRAMES];
  char message[512];
} wl_outcome;

/* artifact.c */
wl_artifact *wl_load_artifact(const uint8_t *bytes, size_t n, char *err, size_t errn);
wl_artifact *wl_artifact_by_id(uint32_t id);
const wl_code *wl_code_at(uintptr_t pc, wl_artifact **art_out);
uint32_t wl_wasm_offset(const wl_artifact *a, uint32_t text_off);
const char *wl_func_name(const wl_artifact *a, uint32_t module, uint32_t func);
int wl_trap_code_at(const wl_artifact *a, uint32_t text_off, uint32_t *code);
/* reloc.c */
int wl_apply_reloc(uint8_t *text, size_t text_size, uint64_t offset, uint32_t type, uint64_t sym, int64_t addend, char *err, size_t errn);
void *wl_runtime_symbol(const char *name);
/* instance.c */
struct wl_cinstance;
wl_instance *wl_find_instance(uint32_t id);
wl_instance *wl_instantiate_externs(wl_module *m, const wl_extern *ex, struct wl_wasi *wasi, struct wl_cinstance *cinst, unsigned timeout_ms, wl_outcome *o);
int wl_instance_export(wl_instance *X, const char *name, wl_extern *e);
int wl_valid_funcref(uint64_t p);
int wl_table_grow(wl_table *T, uint32_t delta, uint64_t init);
/* trap.c */
void wl_signals_init(size_t stack_bytes);
int wl_call(void (*entry)(void *, void *, uint64_t *), void *vmctx, void *callee, uint64_t *values, unsigned timeout_ms, wl_outcome *out);
_Noreturn void wl_trap(uint32_t code);
_Noreturn void wl_trap_msg(uint32_t code, const char *message);
_Noreturn void wl_exit(int code);
const char *wl_trap_message(uint32_t code);
/* utilities */
void *wl_xalloc(size_t n);
/* Strings from artifacts and requests may hold NUL bytes (wasm names do): every copy made by
   wl_xstrdup keeps its length in the 4 bytes before it, and names are compared with wl_same. */
char *wl_xstrdup(const char *s, size_t n);
static inline uint32_t wl_len(const char *s) { uint32_t n; memcpy(&n, s - 4, 4); return n; }
static inline void wl_free_str(char *s) { if (s) free(s - 4); }
static inline int wl_same(const char *a, const char *b) { return wl_len(a) == wl_len(b) && memcmp(a, b, wl_len(a)) == 0; }

#endif
