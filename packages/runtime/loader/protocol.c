/* Frames and fields of the pipe protocol: every integer little-endian, strings as u32 length + UTF-8. */
#include "protocol.h"
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static int read_all(int fd, uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t k = read(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

int wl_read_frame(int fd, wl_msg *m) {
  uint8_t h[4];
  if (read_all(fd, h, 4) != 0) return -1;
  size_t n = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16 | (size_t)h[3] << 24;
  free(m->d);
  m->d = malloc(n ? n : 1);
  if (!m->d) exit(70);
  m->n = n;
  m->pos = 0;
  m->bad = 0;
  return read_all(fd, m->d, n);
}

int wl_write_frame(int fd, wl_out *o) {
  uint8_t h[4] = {(uint8_t)o->n, (uint8_t)(o->n >> 8), (uint8_t)(o->n >> 16), (uint8_t)(o->n >> 24)};
  int r = write_all(fd, h, 4) == 0 && write_all(fd, o->d, o->n) == 0 ? 0 : -1;
  o->n = 0;
  return r;
}

const uint8_t *msg_bytes(wl_msg *m, size_t n) {
  if (m->bad || n > m->n - m->pos) {
    m->bad = 1;
    return NULL;
  }
  const uint8_t *p = m->d + m->pos;
  m->pos += n;
  return p;
}
uint8_t msg_u8(wl_msg *m) {
  const uint8_t *p = msg_bytes(m, 1);
  return p ? p[0] : 0;
}
uint32_t msg_u32(wl_msg *m) {
  const uint8_t *p = msg_bytes(m, 4);
  return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}
char *msg_str(wl_msg *m) {
  uint32_t n = msg_u32(m);
  const uint8_t *p = msg_bytes(m, n);
  return p ? wl_xstrdup((const char *)p, n) : wl_xstrdup("", 0);
}

static void room(wl_out *o, size_t n) {
  if (o->n + n <= o->cap) return;
  size_t cap = o->cap ? o->cap : 256;
  while (cap < o->n + n) cap *= 2;
  o->d = realloc(o->d, cap);
  if (!o->d) exit(70);
  o->cap = cap;
}
void out_bytes(wl_out *o, const void *p, size_t n) {
  room(o, n);
  if (n) memcpy(o->d + o->n, p, n);
  o->n += n;
}
void out_u8(wl_out *o, uint8_t v) { out_bytes(o, &v, 1); }
void out_u32(wl_out *o, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  out_bytes(o, b, 4);
}
void out_u64(wl_out *o, uint64_t v) {
  out_u32(o, (uint32_t)v);
  out_u32(o, (uint32_t)(v >> 32));
}
void out_str(wl_out *o, const char *s) {
  size_t n = strlen(s);
  out_u32(o, (uint32_t)n);
  out_bytes(o, s, n);
}
