/* Components (component.c): the plans of component artifacts and the runtime functions adapters import. */
#ifndef WL_COMPONENT_H
#define WL_COMPONENT_H
#include "wl.h"
#include "protocol.h"

/* Trap codes of the component model (ComponentTrap of @windlass/linker). */
enum {
  WL_CTRAP_CANNOT_ENTER = 300, WL_CTRAP_CANNOT_LEAVE, WL_CTRAP_UNALIGNED, WL_CTRAP_REALLOC_OOB, WL_CTRAP_STRING_OOB,
  WL_CTRAP_STRING_UNALIGNED, WL_CTRAP_LIST_OOB, WL_CTRAP_LIST_UNALIGNED, WL_CTRAP_INVALID_DISCRIMINANT, WL_CTRAP_INVALID_CHAR,
  WL_CTRAP_RETURN_UNALIGNED, WL_CTRAP_RETURN_OOB, WL_CTRAP_PARAMS_UNALIGNED, WL_CTRAP_PARAMS_OOB, WL_CTRAP_INVALID_UTF8,
  WL_CTRAP_INVALID_UTF16, WL_CTRAP_BORROWS_REMAIN, WL_CTRAP_UNKNOWN_HANDLE, WL_CTRAP_WRONG_TYPE, WL_CTRAP_OWNED_WHILE_BORROWED,
  WL_CTRAP_NOT_OWNED, WL_CTRAP_TABLE_FULL, WL_CTRAP_HOST_OOM,
};

/* The host's component instance (its resource table and flags). */
#define WL_HOST_COMP 0u

/* An instantiated component artifact. */
typedef struct wl_cinstance {
  uint32_t id;
  wl_artifact *art;
  uint32_t ncomp, *comp;  /* the plan's component instances: global ids */
  uint32_t nres, *res;    /* the plan's resources: runtime resource type ids (0: unused) */
  uint32_t nfuncs;        /* imported functions (exports of other component instances) */
  wl_funcref *funcs;
  uint32_t nmods;         /* imported modules */
  wl_module **mods;
  uint32_t nsteps;
  wl_instance **steps;
  uint32_t nexports;      /* exported functions, in the host's form */
  wl_funcref *exports;
  const wl_sig **export_sigs;
} wl_cinstance;

wl_cinstance *wl_instantiate_component(wl_msg *m, unsigned *timeout, wl_outcome *o);
wl_cinstance *wl_find_cinstance(uint32_t id);
uint32_t wl_cinstance_resource(wl_cinstance *C, uint32_t r);
const char *wl_component_trap_message(uint32_t code);
/* Before a call from the host: the host memory emptied, `blob` put at byte 16. */
int wl_host_put(const uint8_t *blob, uint32_t n);
/* The host memory up to its allocation mark. */
const uint8_t *wl_host_bytes(uint32_t *n);
#endif
