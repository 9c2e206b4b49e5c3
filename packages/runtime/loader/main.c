/*
 * The loader's request loop: one request frame in on fd 3, one response frame out on fd 4
 * (fds 0-2 are the guests' stdio). Exits when fd 3 reaches its end. `windlass-loader --version`
 * prints the protocol version and ISA.
 */
#include "wl.h"
#include "arch.h"
#include "protocol.h"
#include "wasi.h"
#include "component.h"
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define IN 3
#define OUT 4

void wl_runtime_symbols(char *out, size_t n);

static wl_out out;

static void reply_error(int status, const char *message) {
  out_u8(&out, (uint8_t)status);
  out_str(&out, message);
}

/* The response for an outcome that is not WL_OK. */
static void reply_outcome(const wl_outcome *o) {
  switch (o->status) {
  case WL_TRAP:
    out_u8(&out, WL_TRAP);
    out_u32(&out, o->trap_code);
    out_str(&out, o->message[0] ? o->message : wl_trap_message(o->trap_code));
    out_u32(&out, o->nframes);
    for (uint32_t i = 0; i < o->nframes; i++) {
      wl_artifact *a = NULL;
      const wl_code *c = wl_code_at(o->frames[i], &a);
      uint32_t off = c ? (uint32_t)(o->frames[i] - (uintptr_t)a->text) : 0;
      const char *name = c ? wl_func_name(a, c->module, c->index) : NULL;
      out_u32(&out, c ? a->id : WL_NONE);
      out_u32(&out, c ? c->module : WL_NONE);
      out_u32(&out, c ? c->index : WL_NONE);
      out_u32(&out, c ? wl_wasm_offset(a, off) : WL_NONE);
      out_str(&out, name ? name : "");
    }
    return;
  case WL_EXIT:
    out_u8(&out, WL_EXIT);
    out_u32(&out, (uint32_t)o->exit_code);
    return;
  case WL_CRASH: {
    char msg[256];
    wl_artifact *a = NULL;
    const wl_code *c = wl_code_at(o->pc, &a);
    if (c) snprintf(msg, sizeof msg, "signal %d at function %u + 0x%x, fault address 0x%llx: not a trap site", o->signal, c->index, (unsigned)(o->pc - (uintptr_t)a->text - c->off), (unsigned long long)o->addr);
    else snprintf(msg, sizeof msg, "signal %d at 0x%llx (outside compiled code), fault address 0x%llx", o->signal, (unsigned long long)o->pc, (unsigned long long)o->addr);
    out_u8(&out, WL_CRASH);
    out_u32(&out, (uint32_t)o->signal);
    out_str(&out, msg);
    return;
  }
  case WL_TIMEOUT:
    out_u8(&out, WL_TIMEOUT);
    return;
  default:
    reply_error(o->status == WL_LINK ? WL_LINK : WL_ERROR, o->message);
  }
}

static void hello(void) {
  char symbols[2048];
  wl_runtime_symbols(symbols, sizeof symbols);
  out_u8(&out, WL_OK);
  out_u32(&out, WL_PROTOCOL_VERSION);
  out_str(&out, WL_ARCH);
  out_str(&out, symbols);
}

static void load(wl_msg *m) {
  uint32_t n = msg_u32(m);
  const uint8_t *b = msg_bytes(m, n);
  if (!b) return reply_error(WL_ERROR, "truncated request");
  char err[512];
  wl_artifact *a = wl_load_artifact(b, n, err, sizeof err);
  if (!a) return reply_error(WL_ERROR, err);
  out_u8(&out, WL_OK);
  out_u32(&out, a->id);
  out_u32(&out, a->nmodules);
}

static char **strings(wl_msg *m, uint32_t *n) {
  *n = msg_u32(m);
  if (*n > m->n) { m->bad = 1; *n = 0; }
  char **s = wl_xalloc(sizeof(char *) * (*n + 1));
  for (uint32_t i = 0; i < *n; i++) s[i] = msg_str(m);
  return s;
}

static void instantiate(wl_msg *m) {
  uint32_t aid = msg_u32(m), mi = msg_u32(m), nb = msg_u32(m);
  if (nb > m->n) return reply_error(WL_ERROR, "bad request");
  wl_binding *b = wl_xalloc(sizeof(wl_binding) * (nb + 1));
  for (uint32_t i = 0; i < nb && !m->bad; i++) {
    b[i].module = msg_str(m);
    b[i].kind = msg_u8(m);
    uint32_t id = msg_u32(m);
    if (b[i].kind == WL_BIND_INSTANCE && !(b[i].inst = wl_find_instance(id))) return reply_error(WL_ERROR, "binding to an unknown instance");
  }
  struct wl_wasi *wasi = NULL;
  if (msg_u8(m)) {
    wl_wasi_config c = {0};
    c.argv = strings(m, &c.argc);
    c.env = strings(m, &c.envc);
    c.npre = msg_u32(m);
    if (c.npre > m->n) return reply_error(WL_ERROR, "bad request");
    c.guest = wl_xalloc(sizeof(char *) * (c.npre + 1));
    c.host = wl_xalloc(sizeof(char *) * (c.npre + 1));
    for (uint32_t i = 0; i < c.npre; i++) { c.guest[i] = msg_str(m); c.host[i] = msg_str(m); }
    c.stdin_mode = msg_u8(m);
    c.stdout_mode = msg_u8(m);
    c.stderr_mode = msg_u8(m);
    if (m->bad) return reply_error(WL_ERROR, "truncated request");
    char err[512];
    wasi = wl_wasi_new(&c, err, sizeof err);
    if (!wasi) return reply_error(WL_ERROR, err);
  }
  unsigned timeout = msg_u32(m);
  if (m->bad) return reply_error(WL_ERROR, "truncated request");
  wl_artifact *a = wl_artifact_by_id(aid);
  if (!a || mi >= a->nmodules) return reply_error(WL_ERROR, "unknown artifact or module");
  wl_outcome o;
  wl_instance *I = wl_instantiate(&a->modules[mi], nb, b, wasi, timeout, &o);
  if (!I) return reply_outcome(&o);
  out_u8(&out, WL_OK);
  out_u32(&out, I->id);
}

static void invoke(wl_msg *m) {
  uint32_t id = msg_u32(m);
  char *name = msg_str(m);
  uint32_t n = msg_u32(m);
  const uint8_t *args = msg_bytes(m, 16ull * n);
  unsigned timeout = msg_u32(m);
  if (m->bad) return reply_error(WL_ERROR, "truncated request");
  wl_instance *I = wl_find_instance(id);
  if (!I) return reply_error(WL_ERROR, "unknown instance");
  static uint8_t results[16 * 4096];
  uint32_t nr = 0;
  const uint8_t *types = NULL;
  wl_outcome o;
  if (wl_invoke(I, name, n, args, timeout, &o, results, &nr, &types) != WL_OK) return reply_outcome(&o);
  out_u8(&out, WL_OK);
  out_u32(&out, nr);
  for (uint32_t i = 0; i < nr; i++) {
    out_u8(&out, types[i]);
    out_bytes(&out, results + 16 * i, 16);
  }
}

static void instantiate_component(wl_msg *m) {
  unsigned timeout = 0;
  wl_outcome o;
  wl_cinstance *C = wl_instantiate_component(m, &timeout, &o);
  (void)timeout;
  if (!C) return reply_outcome(&o);
  out_u8(&out, WL_OK);
  out_u32(&out, C->id);
  out_u32(&out, C->nres);
  for (uint32_t i = 0; i < C->nres; i++) out_u32(&out, wl_cinstance_resource(C, i));
}

static void value_to_slot(uint8_t t, const uint8_t *le, uint64_t slot[2]);
static void slot_to_value(uint8_t t, const uint64_t slot[2], uint8_t le[16]);

static void invoke_component(wl_msg *m) {
  uint32_t id = msg_u32(m), index = msg_u32(m), nblob = msg_u32(m);
  const uint8_t *blob = msg_bytes(m, nblob);
  uint32_t n = msg_u32(m);
  const uint8_t *args = msg_bytes(m, 16ull * n);
  unsigned timeout = msg_u32(m);
  if (m->bad) return reply_error(WL_ERROR, "truncated request");
  wl_cinstance *C = wl_find_cinstance(id);
  if (!C || index >= C->nexports) return reply_error(WL_ERROR, "unknown component instance or export");
  const wl_sig *s = C->export_sigs[index];
  if (n != s->np) return reply_error(WL_ERROR, "wrong number of arguments");
  if (wl_host_put(blob, nblob) != 0) return reply_error(WL_ERROR, "the arguments do not fit in the host memory");
  uint32_t nslots = s->np > s->nr ? s->np : s->nr;
  uint64_t *values = aligned_alloc(16, 16 * (size_t)(nslots + 1));
  if (!values) exit(70);
  memset(values, 0, 16 * (size_t)(nslots + 1));
  for (uint32_t k = 0; k < s->np; k++) value_to_slot(s->params[k], args + 16 * k, values + 2 * k);
  wl_funcref *f = &C->exports[index];
  wl_artifact *a = NULL;
  const wl_code *code = wl_code_at((uintptr_t)f->code, &a);
  wl_outcome o;
  if (!code || !a || s->entry < 0) { free(values); return reply_error(WL_ERROR, "the export has no entry trampoline"); }
  void (*entry)(void *, void *, uint64_t *) = (void (*)(void *, void *, uint64_t *))(a->text + a->code[s->entry].off);
  if (wl_call(entry, f->vmctx, f->code, values, timeout, &o) != WL_OK) {
    free(values);
    return reply_outcome(&o);
  }
  out_u8(&out, WL_OK);
  out_u32(&out, s->nr);
  for (uint32_t k = 0; k < s->nr; k++) {
    uint8_t le[16];
    slot_to_value(s->results[k], values + 2 * k, le);
    out_u8(&out, s->results[k]);
    out_bytes(&out, le, 16);
  }
  free(values);
  uint32_t hn;
  const uint8_t *hb = wl_host_bytes(&hn);
  out_u32(&out, hn);
  out_bytes(&out, hb, hn);
}

static void global(wl_msg *m) {
  uint32_t id = msg_u32(m);
  char *name = msg_str(m);
  wl_instance *I = wl_find_instance(id);
  if (m->bad || !I) return reply_error(WL_ERROR, "unknown instance");
  uint8_t type, le[16];
  char err[300];
  if (wl_get_global(I, name, &type, le, err, sizeof err) != 0) return reply_error(WL_ERROR, err);
  out_u8(&out, WL_OK);
  out_u8(&out, type);
  out_bytes(&out, le, 16);
}

static void output(wl_msg *m) {
  wl_instance *I = wl_find_instance(msg_u32(m));
  if (m->bad || !I) return reply_error(WL_ERROR, "unknown instance");
  out_u8(&out, WL_OK);
  for (int k = 1; k <= 2; k++) {
    const uint8_t *d = NULL;
    size_t n = 0;
    if (I->wasi) wl_wasi_take_output(I->wasi, k, &d, &n);
    out_u32(&out, (uint32_t)n);
    out_bytes(&out, d, n);
    if (I->wasi) wl_wasi_output_done(I->wasi, k);
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("windlass-loader protocol %d %s\n", WL_PROTOCOL_VERSION, WL_ARCH);
    return 0;
  }
  /* The runtime may hand fd 3 over non-blocking; the loop blocks on it. */
  int fl = fcntl(IN, F_GETFL);
  if (fl < 0 || fcntl(OUT, F_GETFL) < 0) {
    fprintf(stderr, "windlass-loader: run by @windlass/runtime, with requests on fd 3 and responses on fd 4\n");
    return 64;
  }
  fcntl(IN, F_SETFL, fl & ~O_NONBLOCK);
  const char *stack = getenv("WINDLASS_STACK_BYTES");
  wl_signals_init(stack ? strtoull(stack, NULL, 10) : 8u << 20);
  wl_msg m = {0};
  while (wl_read_frame(IN, &m) == 0) {
    uint8_t op = msg_u8(&m);
    switch (op) {
    case REQ_HELLO: hello(); break;
    case REQ_LOAD: load(&m); break;
    case REQ_INSTANTIATE: instantiate(&m); break;
    case REQ_INVOKE: invoke(&m); break;
    case REQ_GLOBAL: global(&m); break;
    case REQ_OUTPUT: output(&m); break;
    case REQ_INSTANTIATE_COMPONENT: instantiate_component(&m); break;
    case REQ_INVOKE_COMPONENT: invoke_component(&m); break;
    default: reply_error(WL_ERROR, "unknown request");
    }
    fflush(stdout);
    fflush(stderr);
    if (wl_write_frame(OUT, &out) != 0) return 0;
  }
  return 0;
}

void wl_value_from_le(uint8_t t, const uint8_t *le, uint64_t slot[2]);
void wl_value_to_le(uint8_t t, const uint64_t slot[2], uint8_t le[16]);
static void value_to_slot(uint8_t t, const uint8_t *le, uint64_t slot[2]) { wl_value_from_le(t, le, slot); }
static void slot_to_value(uint8_t t, const uint64_t slot[2], uint8_t le[16]) { wl_value_to_le(t, slot, le); }
