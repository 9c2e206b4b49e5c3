/* The pipe protocol (see @windlass/runtime's README): frames of a u32 little-endian length and a payload. */
#ifndef WL_PROTOCOL_H
#define WL_PROTOCOL_H
#include "wl.h"

#define WL_PROTOCOL_VERSION 2
enum { REQ_HELLO = 1, REQ_LOAD = 2, REQ_INSTANTIATE = 3, REQ_INVOKE = 4, REQ_GLOBAL = 5, REQ_OUTPUT = 6, REQ_INSTANTIATE_COMPONENT = 7, REQ_INVOKE_COMPONENT = 8 };

typedef struct { uint8_t *d; size_t n, pos; int bad; } wl_msg;
typedef struct { uint8_t *d; size_t n, cap; } wl_out;

int wl_read_frame(int fd, wl_msg *m);
int wl_write_frame(int fd, wl_out *o);
uint8_t msg_u8(wl_msg *m);
uint32_t msg_u32(wl_msg *m);
const uint8_t *msg_bytes(wl_msg *m, size_t n);
char *msg_str(wl_msg *m);
void out_u8(wl_out *o, uint8_t v);
void out_u32(wl_out *o, uint32_t v);
void out_u64(wl_out *o, uint64_t v);
void out_bytes(wl_out *o, const void *p, size_t n);
void out_str(wl_out *o, const char *s);
#endif
