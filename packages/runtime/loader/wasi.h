/* WASI preview 1 (wasi.c) and how imports are bound at instantiation (instance.c). */
#ifndef WL_WASI_H
#define WL_WASI_H
#include "wl.h"

enum { WL_BIND_INSTANCE = 0, WL_BIND_WASI = 1 };
/* What an import module name resolves to. */
typedef struct { char *module; int kind; wl_instance *inst; } wl_binding;

enum { WL_STDIO_INHERIT = 0, WL_STDIO_CAPTURE = 1, WL_STDIO_NULL = 2 };
typedef struct {
  uint32_t argc, envc, npre;
  char **argv, **env;
  char **guest, **host; /* preopened directories: the guest's name and the host path */
  uint8_t stdin_mode, stdout_mode, stderr_mode;
} wl_wasi_config;

struct wl_wasi *wl_wasi_new(const wl_wasi_config *c, char *err, size_t errn);
/* The WASI function `name`: its wasm type and host function, or -1 when there is none. */
int wl_wasi_function(const char *name, const uint8_t **params, uint32_t *np, const uint8_t **results, uint32_t *nr, wl_host_fn *fn);
/* Output captured for fd 1 (which = 1) or 2 since the last call; the buffer is emptied. */
void wl_wasi_take_output(struct wl_wasi *w, int which, const uint8_t **data, size_t *len);
void wl_wasi_output_done(struct wl_wasi *w, int which);

wl_instance *wl_instantiate(wl_module *m, uint32_t nb, const wl_binding *bindings, struct wl_wasi *wasi, unsigned timeout_ms, wl_outcome *o);
int wl_invoke(wl_instance *I, const char *name, uint32_t nargs, const uint8_t *args, unsigned timeout_ms, wl_outcome *o, uint8_t *results, uint32_t *nresults, const uint8_t **types);
int wl_get_global(wl_instance *I, const char *name, uint8_t *type, uint8_t le[16], char *err, size_t errn);
#endif
