/*
 * WASI preview 1 (`wasi_snapshot_preview1`), written from the WASI specification's witx
 * definitions: arguments, environment, clocks, random, file descriptors on stdio and on files
 * and directories under the preopened directories, and proc_exit.
 *
 * Sandbox: a guest names files only relative to a directory descriptor it holds (a preopen or
 * one opened below it). Paths are resolved here one component at a time with openat and
 * O_NOFOLLOW: ".." may not climb above the starting directory, absolute paths are refused, and
 * symbolic links are read and followed by the same rules (an absolute target, or one that
 * climbs out, is refused with ENOTCAPABLE). Nothing outside the preopened directories is
 * reachable.
 *
 * Guest memory is little-endian on every host: structures are written byte by byte.
 */
#include "wasi.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
  E_SUCCESS = 0, E_2BIG = 1, E_ACCES = 2, E_AGAIN = 6, E_BADF = 8, E_BUSY = 10, E_EXIST = 20, E_FAULT = 21, E_FBIG = 22,
  E_INTR = 27, E_INVAL = 28, E_IO = 29, E_ISDIR = 31, E_LOOP = 32, E_MFILE = 33, E_MLINK = 34, E_NAMETOOLONG = 37, E_NFILE = 41,
  E_NODEV = 43, E_NOENT = 44, E_NOMEM = 48, E_NOSPC = 51, E_NOSYS = 52, E_NOTDIR = 54, E_NOTEMPTY = 55, E_NOTSUP = 58, E_NOTTY = 59,
  E_NXIO = 60, E_OVERFLOW = 61, E_PERM = 63, E_PIPE = 64, E_RANGE = 68, E_ROFS = 69, E_SPIPE = 70, E_TXTBSY = 74, E_XDEV = 75,
  E_NOTCAPABLE = 76,
};
enum { FT_UNKNOWN = 0, FT_BLOCK = 1, FT_CHAR = 2, FT_DIR = 3, FT_REG = 4, FT_SOCK_DGRAM = 5, FT_SOCK_STREAM = 6, FT_SYMLINK = 7 };
#define RIGHTS_ALL ((1ull << 30) - 1)
#define RIGHT_FD_SEEK (1ull << 2)
#define RIGHT_FD_TELL (1ull << 5)

typedef struct {
  int used, host, preopen, capture;
  uint8_t type;
  uint16_t flags;
  char *name;
} wl_fd;

struct wl_wasi {
  uint32_t argc, envc;
  char **argv, **env;
  wl_fd *fds;
  uint32_t nfds;
  struct { uint8_t *d; size_t n, cap; } out[3];
};

static int errno_of(int e) {
  switch (e) {
  case E2BIG: return E_2BIG; case EACCES: return E_ACCES; case EAGAIN: return E_AGAIN; case EBADF: return E_BADF;
  case EBUSY: return E_BUSY; case EEXIST: return E_EXIST; case EFAULT: return E_FAULT; case EFBIG: return E_FBIG;
  case EINTR: return E_INTR; case EINVAL: return E_INVAL; case EIO: return E_IO; case EISDIR: return E_ISDIR;
  case ELOOP: return E_LOOP; case EMFILE: return E_MFILE; case EMLINK: return E_MLINK; case ENAMETOOLONG: return E_NAMETOOLONG;
  case ENFILE: return E_NFILE; case ENODEV: return E_NODEV; case ENOENT: return E_NOENT; case ENOMEM: return E_NOMEM;
  case ENOSPC: return E_NOSPC; case ENOSYS: return E_NOSYS; case ENOTDIR: return E_NOTDIR; case ENOTEMPTY: return E_NOTEMPTY;
  case ENOTSUP: return E_NOTSUP; case ENOTTY: return E_NOTTY; case ENXIO: return E_NXIO; case EOVERFLOW: return E_OVERFLOW;
  case EPERM: return E_PERM; case EPIPE: return E_PIPE; case ERANGE: return E_RANGE; case EROFS: return E_ROFS;
  case ESPIPE: return E_SPIPE; case ETXTBSY: return E_TXTBSY; case EXDEV: return E_XDEV;
  default: return E_IO;
  }
}

/* ---- guest memory (little-endian, bounds-checked) */
typedef struct { wl_instance *I; struct wl_wasi *w; } ctx_t;

static uint8_t *mem(ctx_t *c, uint32_t ptr, uint64_t len) {
  wl_memory *m = c->I->mem;
  if (!m || (uint64_t)ptr + len > m->len) return NULL;
  return m->base + ptr;
}
static void put8(uint8_t *p, uint8_t v) { p[0] = v; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k)); }
static void put64(uint8_t *p, uint64_t v) { for (int k = 0; k < 8; k++) p[k] = (uint8_t)(v >> (8 * k)); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* Arguments from the value slots (native order, 16 bytes each). */
static uint32_t A32(uint64_t *v, int k) { uint32_t x; memcpy(&x, v + 2 * k, 4); return x; }
static uint64_t A64(uint64_t *v, int k) { return v[2 * k]; }
static void R32(uint64_t *v, uint32_t x) { memcpy(v, &x, 4); }

static wl_fd *fd_of(struct wl_wasi *w, uint32_t fd) { return fd < w->nfds && w->fds[fd].used ? &w->fds[fd] : NULL; }

static uint8_t type_of_mode(mode_t m) {
  if (S_ISREG(m)) return FT_REG;
  if (S_ISDIR(m)) return FT_DIR;
  if (S_ISCHR(m)) return FT_CHAR;
  if (S_ISBLK(m)) return FT_BLOCK;
  if (S_ISSOCK(m)) return FT_SOCK_STREAM;
  if (S_ISLNK(m)) return FT_SYMLINK;
  return FT_UNKNOWN;
}

static int add_fd(struct wl_wasi *w, int host, uint8_t type) {
  uint32_t i = 0;
  while (i < w->nfds && w->fds[i].used) i++;
  if (i == w->nfds) {
    w->fds = realloc(w->fds, sizeof(wl_fd) * (w->nfds + 8));
    if (!w->fds) exit(70);
    memset(w->fds + w->nfds, 0, sizeof(wl_fd) * 8);
    w->nfds += 8;
  }
  w->fds[i] = (wl_fd){.used = 1, .host = host, .type = type};
  return (int)i;
}

struct wl_wasi *wl_wasi_new(const wl_wasi_config *c, char *err, size_t errn) {
  struct wl_wasi *w = wl_xalloc(sizeof *w);
  w->argc = c->argc;
  w->argv = c->argv;
  w->envc = c->envc;
  w->env = c->env;
  uint8_t modes[3] = {c->stdin_mode, c->stdout_mode, c->stderr_mode};
  for (int k = 0; k < 3; k++) {
    int host = k;
    if (modes[k] == WL_STDIO_NULL) host = open("/dev/null", k == 0 ? O_RDONLY : O_WRONLY | O_CLOEXEC);
    struct stat st;
    uint8_t type = fstat(host, &st) == 0 ? type_of_mode(st.st_mode) : FT_UNKNOWN;
    int fd = add_fd(w, host, modes[k] == WL_STDIO_CAPTURE ? FT_CHAR : type);
    w->fds[fd].capture = modes[k] == WL_STDIO_CAPTURE && k > 0 ? k : 0;
  }
  for (uint32_t i = 0; i < c->npre; i++) {
    int h = open(c->host[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (h < 0) {
      snprintf(err, errn, "cannot open the preopened directory %s: %s", c->host[i], strerror(errno));
      return NULL;
    }
    int fd = add_fd(w, h, FT_DIR);
    w->fds[fd].preopen = 1;
    w->fds[fd].name = c->guest[i];
  }
  return w;
}

void wl_wasi_take_output(struct wl_wasi *w, int which, const uint8_t **data, size_t *len) {
  *data = w->out[which].d;
  *len = w->out[which].n;
}
void wl_wasi_output_done(struct wl_wasi *w, int which) { w->out[which].n = 0; }

/* ---- path resolution inside a directory descriptor */
#define MAX_DEPTH 256
#define MAX_LINKS 32

/*
 * Resolves `path` (not NUL-terminated) below host directory `dirfd`. On success *parent is a
 * new descriptor of the directory that holds the last component and `leaf` its name ("." when
 * the path names the directory itself). With `follow`, a symbolic link as the last component
 * is followed too. Returns a WASI errno.
 */
static int resolve(int dirfd, const char *path, uint32_t len, int follow, int *parent, char *leaf) {
  if (len == 0) return E_NOENT;
  if (path[0] == '/') return E_NOTCAPABLE;
  if (memchr(path, 0, len)) return E_INVAL;
  size_t cap = (size_t)len + 1;
  char *rest = malloc(cap);
  if (!rest) return E_NOMEM;
  memcpy(rest, path, len);
  rest[len] = 0;
  int stack[MAX_DEPTH];
  int depth = 0, links = 0, status = E_SUCCESS;
  stack[0] = dup(dirfd);
  if (stack[0] < 0) { free(rest); return errno_of(errno); }
  char *p = rest;
  for (;;) {
    while (*p == '/') p++;
    char *end = strchr(p, '/');
    int last = 1;
    if (end) {
      char *q = end;
      while (*q == '/') q++;
      last = *q == 0;
    }
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n >= NAME_MAX + 1) { status = E_NAMETOOLONG; break; }
    char comp[NAME_MAX + 1];
    memcpy(comp, p, n);
    comp[n] = 0;
    p = end ? end : p + n;
    /* A trailing slash makes the last component name a directory: follow it like an inner one. */
    int inner = !last || (end != NULL);
    if (n == 0 || strcmp(comp, ".") == 0) {
      if (last) { strcpy(leaf, "."); break; }
      continue;
    }
    if (strcmp(comp, "..") == 0) {
      if (depth == 0) { status = E_NOTCAPABLE; break; }
      close(stack[depth--]);
      if (last) { strcpy(leaf, "."); break; }
      continue;
    }
    if (last && !inner && !follow) { strcpy(leaf, comp); break; }
    /* A symbolic link is read and its target resolved by the same rules. */
    char target[PATH_MAX];
    ssize_t tl = readlinkat(stack[depth], comp, target, sizeof target - 1);
    if (tl >= 0) {
      if (++links > MAX_LINKS) { status = E_LOOP; break; }
      target[tl] = 0;
      if (target[0] == '/') { status = E_NOTCAPABLE; break; }
      size_t rl = strlen(p);
      char *next = malloc((size_t)tl + rl + 2);
      if (!next) { status = E_NOMEM; break; }
      memcpy(next, target, (size_t)tl);
      memcpy(next + tl, p, rl + 1);
      free(rest);
      rest = p = next;
      continue;
    }
    if (last && !inner) { strcpy(leaf, comp); break; }
    if (depth + 1 >= MAX_DEPTH) { status = E_NAMETOOLONG; break; }
    int d = openat(stack[depth], comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0) { status = errno_of(errno); break; }
    stack[++depth] = d;
    if (last) { strcpy(leaf, "."); break; }
  }
  free(rest);
  for (int i = 0; i < depth; i++) close(stack[i]);
  if (status != E_SUCCESS) {
    close(stack[depth]);
    return status;
  }
  *parent = stack[depth];
  return E_SUCCESS;
}

/* Resolves a guest path given as (ptr, len) relative to WASI descriptor `fd`. */
static int guest_path(ctx_t *c, uint32_t fd, uint32_t ptr, uint32_t len, int follow, int *parent, char *leaf) {
  wl_fd *f = fd_of(c->w, fd);
  if (!f) return E_BADF;
  if (f->type != FT_DIR) return E_NOTDIR;
  const uint8_t *s = mem(c, ptr, len);
  if (!s) return E_FAULT;
  return resolve(f->host, (const char *)s, len, follow, parent, leaf);
}

/* ---- the functions */
#define HOST(name) static void w_##name(void *ctxp, uint64_t *v)
#define SETUP ctx_t cx = {((wl_hostctx *)ctxp)->inst, ((wl_hostctx *)ctxp)->inst->wasi}; ctx_t *c = &cx; (void)c
#define RET(x) do { R32(v, (uint32_t)(x)); return; } while (0)

static void strings_sizes(char **list, uint32_t n, ctx_t *c, uint64_t *v) {
  uint8_t *pc = mem(c, A32(v, 0), 4), *ps = mem(c, A32(v, 1), 4);
  if (!pc || !ps) RET(E_FAULT);
  uint32_t size = 0;
  for (uint32_t i = 0; i < n; i++) size += (uint32_t)strlen(list[i]) + 1;
  put32(pc, n);
  put32(ps, size);
  RET(E_SUCCESS);
}

static void strings_get(char **list, uint32_t n, ctx_t *c, uint64_t *v) {
  uint32_t ptrs = A32(v, 0), buf = A32(v, 1);
  for (uint32_t i = 0; i < n; i++) {
    size_t l = strlen(list[i]) + 1;
    uint8_t *p = mem(c, ptrs + 4 * i, 4), *b = mem(c, buf, l);
    if (!p || !b) RET(E_FAULT);
    put32(p, buf);
    memcpy(b, list[i], l);
    buf += (uint32_t)l;
  }
  RET(E_SUCCESS);
}

HOST(args_sizes_get) { SETUP; strings_sizes(c->w->argv, c->w->argc, c, v); }
HOST(args_get) { SETUP; strings_get(c->w->argv, c->w->argc, c, v); }
HOST(environ_sizes_get) { SETUP; strings_sizes(c->w->env, c->w->envc, c, v); }
HOST(environ_get) { SETUP; strings_get(c->w->env, c->w->envc, c, v); }

static int clock_of(uint32_t id, clockid_t *out) {
  switch (id) {
  case 0: *out = CLOCK_REALTIME; return 0;
  case 1: *out = CLOCK_MONOTONIC; return 0;
  case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return 0;
  case 3: *out = CLOCK_THREAD_CPUTIME_ID; return 0;
  default: return -1;
  }
}

HOST(clock_res_get) {
  SETUP;
  clockid_t id;
  struct timespec ts;
  uint8_t *p = mem(c, A32(v, 1), 8);
  if (clock_of(A32(v, 0), &id) != 0) RET(E_INVAL);
  if (!p) RET(E_FAULT);
  if (clock_getres(id, &ts) != 0) RET(errno_of(errno));
  put64(p, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
  RET(E_SUCCESS);
}

HOST(clock_time_get) {
  SETUP;
  clockid_t id;
  struct timespec ts;
  uint8_t *p = mem(c, A32(v, 2), 8);
  if (clock_of(A32(v, 0), &id) != 0) RET(E_INVAL);
  if (!p) RET(E_FAULT);
  if (clock_gettime(id, &ts) != 0) RET(errno_of(errno));
  put64(p, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
  RET(E_SUCCESS);
}

HOST(random_get) {
  SETUP;
  uint32_t len = A32(v, 1);
  uint8_t *p = mem(c, A32(v, 0), len);
  if (!p) RET(E_FAULT);
  for (uint32_t at = 0; at < len;) {
    ssize_t k = getrandom(p + at, len - at, 0);
    if (k < 0) {
      if (errno == EINTR) continue;
      RET(errno_of(errno));
    }
    at += (uint32_t)k;
  }
  RET(E_SUCCESS);
}

static void capture(struct wl_wasi *w, int which, const uint8_t *d, size_t n) {
  if (w->out[which].n + n > w->out[which].cap) {
    size_t cap = w->out[which].cap ? w->out[which].cap : 4096;
    while (cap < w->out[which].n + n) cap *= 2;
    w->out[which].d = realloc(w->out[which].d, cap);
    if (!w->out[which].d) exit(70);
    w->out[which].cap = cap;
  }
  memcpy(w->out[which].d + w->out[which].n, d, n);
  w->out[which].n += n;
}

/* fd_read / fd_write / fd_pread / fd_pwrite over an iovec array. */
static void rw(ctx_t *c, uint64_t *v, int writing, int positioned) {
  wl_fd *f = fd_of(c->w, A32(v, 0));
  if (!f) RET(E_BADF);
  if (f->type == FT_DIR) RET(E_ISDIR);
  uint32_t iovs = A32(v, 1), n = A32(v, 2), outp = A32(v, positioned ? 4 : 3);
  int64_t off = positioned ? (int64_t)A64(v, 3) : 0;
  uint8_t *vec = mem(c, iovs, 8ull * n), *out = mem(c, outp, 4);
  if (!vec || !out) RET(E_FAULT);
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf = get32(vec + 8 * i), len = get32(vec + 8 * i + 4);
    uint8_t *b = mem(c, buf, len);
    if (!b) RET(E_FAULT);
    if (len == 0) continue;
    if (writing && f->capture) {
      capture(c->w, f->capture, b, len);
      total += len;
      continue;
    }
    ssize_t k = writing ? (positioned ? pwrite(f->host, b, len, off + (int64_t)total) : (f->flags & 1 ? (lseek(f->host, 0, SEEK_END), write(f->host, b, len)) : write(f->host, b, len)))
                      : (positioned ? pread(f->host, b, len, off + (int64_t)total) : read(f->host, b, len));
    if (k < 0) {
      if (total > 0) break;
      RET(errno_of(errno));
    }
    total += (uint64_t)k;
    if ((uint32_t)k < len) break;
  }
  put32(out, (uint32_t)total);
  RET(E_SUCCESS);
}

HOST(fd_read) { SETUP; rw(c, v, 0, 0); }
HOST(fd_write) { SETUP; rw(c, v, 1, 0); }
HOST(fd_pread) { SETUP; rw(c, v, 0, 1); }
HOST(fd_pwrite) { SETUP; rw(c, v, 1, 1); }

HOST(fd_seek) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  uint8_t *out = mem(c, A32(v, 3), 8);
  uint32_t whence = A32(v, 2);
  if (!f) RET(E_BADF);
  if (!out) RET(E_FAULT);
  if (f->type == FT_DIR) RET(E_BADF);
  if (f->capture || f->type == FT_CHAR) RET(E_SPIPE);
  if (whence > 2) RET(E_INVAL);
  off_t r = lseek(f->host, (off_t)(int64_t)A64(v, 1), whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END);
  if (r < 0) RET(errno_of(errno));
  put64(out, (uint64_t)r);
  RET(E_SUCCESS);
}

HOST(fd_tell) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  uint8_t *out = mem(c, A32(v, 1), 8);
  if (!f) RET(E_BADF);
  if (!out) RET(E_FAULT);
  if (f->capture || f->type == FT_CHAR) RET(E_SPIPE);
  off_t r = lseek(f->host, 0, SEEK_CUR);
  if (r < 0) RET(errno_of(errno));
  put64(out, (uint64_t)r);
  RET(E_SUCCESS);
}

HOST(fd_close) {
  SETUP;
  uint32_t fd = A32(v, 0);
  wl_fd *f = fd_of(c->w, fd);
  if (!f) RET(E_BADF);
  if (f->preopen) RET(E_NOTSUP);
  if (f->host > 2) close(f->host);
  f->used = 0;
  RET(E_SUCCESS);
}

HOST(fd_renumber) {
  SETUP;
  wl_fd *from = fd_of(c->w, A32(v, 0)), *to = fd_of(c->w, A32(v, 1));
  if (!from || !to) RET(E_BADF);
  if (from->preopen || to->preopen) RET(E_NOTSUP);
  if (to->host > 2) close(to->host);
  *to = *from;
  from->used = 0;
  RET(E_SUCCESS);
}

HOST(fd_fdstat_get) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  uint8_t *p = mem(c, A32(v, 1), 24);
  if (!f) RET(E_BADF);
  if (!p) RET(E_FAULT);
  memset(p, 0, 24);
  put8(p, f->type);
  put16(p + 2, f->flags);
  uint64_t rights = RIGHTS_ALL;
  /* A character device without seek rights is what wasi-libc's isatty() looks for. */
  if (f->type == FT_CHAR) rights &= ~(RIGHT_FD_SEEK | RIGHT_FD_TELL);
  put64(p + 8, rights);
  put64(p + 16, RIGHTS_ALL);
  RET(E_SUCCESS);
}

HOST(fd_fdstat_set_flags) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  if (!f) RET(E_BADF);
  f->flags = (uint16_t)(A32(v, 1) & 0x1f);
  RET(E_SUCCESS);
}

HOST(fd_fdstat_set_rights) {
  SETUP;
  if (!fd_of(c->w, A32(v, 0))) RET(E_BADF);
  RET(E_SUCCESS);
}

static uint64_t ns(struct timespec t) { return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec; }

static void put_filestat(uint8_t *p, const struct stat *st, uint8_t type) {
  memset(p, 0, 64);
  put64(p, (uint64_t)st->st_dev);
  put64(p + 8, (uint64_t)st->st_ino);
  put8(p + 16, type);
  put64(p + 24, (uint64_t)st->st_nlink);
  put64(p + 32, (uint64_t)st->st_size);
  put64(p + 40, ns(st->st_atim));
  put64(p + 48, ns(st->st_mtim));
  put64(p + 56, ns(st->st_ctim));
}

HOST(fd_filestat_get) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  uint8_t *p = mem(c, A32(v, 1), 64);
  if (!f) RET(E_BADF);
  if (!p) RET(E_FAULT);
  struct stat st;
  if (f->capture) memset(&st, 0, sizeof st);
  else if (fstat(f->host, &st) != 0) RET(errno_of(errno));
  put_filestat(p, &st, f->capture ? FT_CHAR : type_of_mode(st.st_mode));
  RET(E_SUCCESS);
}

HOST(fd_filestat_set_size) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  if (!f) RET(E_BADF);
  if (ftruncate(f->host, (off_t)A64(v, 1)) != 0) RET(errno_of(errno));
  RET(E_SUCCESS);
}

static void times_of(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec ts[2]) {
  ts[0].tv_sec = (time_t)(atim / 1000000000ull); ts[0].tv_nsec = (long)(atim % 1000000000ull);
  ts[1].tv_sec = (time_t)(mtim / 1000000000ull); ts[1].tv_nsec = (long)(mtim % 1000000000ull);
  if (flags & 2) ts[0].tv_nsec = UTIME_NOW; else if (!(flags & 1)) ts[0].tv_nsec = UTIME_OMIT;
  if (flags & 8) ts[1].tv_nsec = UTIME_NOW; else if (!(flags & 4)) ts[1].tv_nsec = UTIME_OMIT;
}

HOST(fd_filestat_set_times) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  if (!f) RET(E_BADF);
  struct timespec ts[2];
  times_of(A64(v, 1), A64(v, 2), A32(v, 3), ts);
  if (futimens(f->host, ts) != 0) RET(errno_of(errno));
  RET(E_SUCCESS);
}

HOST(fd_sync) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  if (!f) RET(E_BADF);
  if (!f->capture && fsync(f->host) != 0 && errno != EINVAL) RET(errno_of(errno));
  RET(E_SUCCESS);
}

HOST(fd_advise) {
  SETUP;
  if (!fd_of(c->w, A32(v, 0))) RET(E_BADF);
  RET(E_SUCCESS);
}

HOST(fd_allocate) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  if (!f) RET(E_BADF);
  struct stat st;
  uint64_t want = A64(v, 1) + A64(v, 2);
  if (fstat(f->host, &st) != 0) RET(errno_of(errno));
  if ((uint64_t)st.st_size < want && ftruncate(f->host, (off_t)want) != 0) RET(errno_of(errno));
  RET(E_SUCCESS);
}

HOST(fd_prestat_get) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  uint8_t *p = mem(c, A32(v, 1), 8);
  if (!f || !f->preopen) RET(E_BADF);
  if (!p) RET(E_FAULT);
  memset(p, 0, 8);
  put32(p + 4, (uint32_t)strlen(f->name));
  RET(E_SUCCESS);
}

HOST(fd_prestat_dir_name) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  uint32_t len = A32(v, 2);
  uint8_t *p = mem(c, A32(v, 1), len);
  if (!f || !f->preopen) RET(E_BADF);
  if (!p) RET(E_FAULT);
  size_t n = strlen(f->name);
  if (len < n) RET(E_NAMETOOLONG);
  memcpy(p, f->name, n);
  RET(E_SUCCESS);
}

HOST(fd_readdir) {
  SETUP;
  wl_fd *f = fd_of(c->w, A32(v, 0));
  uint32_t len = A32(v, 2);
  uint64_t cookie = A64(v, 3);
  uint8_t *buf = mem(c, A32(v, 1), len), *used = mem(c, A32(v, 4), 4);
  if (!f) RET(E_BADF);
  if (f->type != FT_DIR) RET(E_NOTDIR);
  if (!buf || !used) RET(E_FAULT);
  int d = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = d < 0 ? NULL : fdopendir(d);
  if (!dir) RET(errno_of(errno));
  uint32_t at = 0;
  uint64_t index = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL && at < len) {
    if (index++ < cookie) continue;
    uint8_t ent[24];
    size_t nl = strlen(e->d_name);
    uint8_t type = FT_UNKNOWN;
    struct stat st;
    if (fstatat(d, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) type = type_of_mode(st.st_mode);
    put64(ent, index);
    put64(ent + 8, (uint64_t)e->d_ino);
    put32(ent + 16, (uint32_t)nl);
    ent[20] = type;
    ent[21] = ent[22] = ent[23] = 0;
    /* Entries that do not fit are cut: the guest sees a full buffer and asks again from the cookie. */
    for (size_t k = 0; k < 24 && at < len; k++) buf[at++] = ent[k];
    for (size_t k = 0; k < nl && at < len; k++) buf[at++] = (uint8_t)e->d_name[k];
  }
  closedir(dir);
  put32(used, at);
  RET(E_SUCCESS);
}

HOST(path_open) {
  SETUP;
  uint32_t dirflags = A32(v, 1), oflags = A32(v, 4), fdflags = A32(v, 7);
  uint64_t rights = A64(v, 5);
  uint8_t *out = mem(c, A32(v, 8), 4);
  if (!out) RET(E_FAULT);
  int parent;
  char leaf[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 2), A32(v, 3), dirflags & 1, &parent, leaf);
  if (e != E_SUCCESS) RET(e);
  /* Access from the rights asked for: read (fd_read, fd_readdir) and write (fd_write, datasync, allocate, set_size). */
  int r = (rights & ((1ull << 1) | (1ull << 14))) != 0, w = (rights & ((1ull << 0) | (1ull << 6) | (1ull << 8) | (1ull << 22))) != 0;
  int flags = O_CLOEXEC | O_NOFOLLOW | (w ? (r ? O_RDWR : O_WRONLY) : O_RDONLY);
  if (oflags & 1) flags |= O_CREAT;
  if (oflags & 2) flags |= O_DIRECTORY;
  if (oflags & 4) flags |= O_EXCL;
  if (oflags & 8) flags |= O_TRUNC;
  if (fdflags & 1) flags |= O_APPEND;
  if (fdflags & 4) flags |= O_NONBLOCK;
  if (fdflags & (2 | 8 | 16)) flags |= O_SYNC;
  if ((flags & O_DIRECTORY) && (flags & (O_WRONLY | O_RDWR))) flags = (flags & ~(O_WRONLY | O_RDWR)) | O_RDONLY;
  int h = openat(parent, leaf, flags, 0666);
  if (h < 0 && errno == EISDIR && (flags & (O_WRONLY | O_RDWR)) == 0) h = openat(parent, leaf, (flags & ~O_ACCMODE) | O_RDONLY);
  int saved = errno;
  close(parent);
  if (h < 0) RET(saved == ELOOP || saved == EMLINK ? E_LOOP : errno_of(saved));
  struct stat st;
  if (fstat(h, &st) != 0) { close(h); RET(errno_of(errno)); }
  int fd = add_fd(c->w, h, type_of_mode(st.st_mode));
  c->w->fds[fd].flags = (uint16_t)(fdflags & 0x1f);
  put32(out, (uint32_t)fd);
  RET(E_SUCCESS);
}

HOST(path_filestat_get) {
  SETUP;
  uint8_t *p = mem(c, A32(v, 4), 64);
  if (!p) RET(E_FAULT);
  int parent;
  char leaf[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 2), A32(v, 3), A32(v, 1) & 1, &parent, leaf);
  if (e != E_SUCCESS) RET(e);
  struct stat st;
  int r = fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW);
  int saved = errno;
  close(parent);
  if (r != 0) RET(errno_of(saved));
  put_filestat(p, &st, type_of_mode(st.st_mode));
  RET(E_SUCCESS);
}

HOST(path_filestat_set_times) {
  SETUP;
  int parent;
  char leaf[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 2), A32(v, 3), A32(v, 1) & 1, &parent, leaf);
  if (e != E_SUCCESS) RET(e);
  struct timespec ts[2];
  times_of(A64(v, 4), A64(v, 5), A32(v, 6), ts);
  int r = utimensat(parent, leaf, ts, AT_SYMLINK_NOFOLLOW);
  int saved = errno;
  close(parent);
  RET(r == 0 ? E_SUCCESS : errno_of(saved));
}

HOST(path_create_directory) {
  SETUP;
  int parent;
  char leaf[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 1), A32(v, 2), 0, &parent, leaf);
  if (e != E_SUCCESS) RET(e);
  int r = mkdirat(parent, leaf, 0777);
  int saved = errno;
  close(parent);
  RET(r == 0 ? E_SUCCESS : errno_of(saved));
}

HOST(path_remove_directory) {
  SETUP;
  int parent;
  char leaf[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 1), A32(v, 2), 0, &parent, leaf);
  if (e != E_SUCCESS) RET(e);
  if (strcmp(leaf, ".") == 0) { close(parent); RET(E_INVAL); }
  int r = unlinkat(parent, leaf, AT_REMOVEDIR);
  int saved = errno;
  close(parent);
  RET(r == 0 ? E_SUCCESS : errno_of(saved));
}

HOST(path_unlink_file) {
  SETUP;
  int parent;
  char leaf[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 1), A32(v, 2), 0, &parent, leaf);
  if (e != E_SUCCESS) RET(e);
  int r = unlinkat(parent, leaf, 0);
  int saved = errno;
  close(parent);
  RET(r == 0 ? E_SUCCESS : errno_of(saved == EISDIR ? EISDIR : saved));
}

HOST(path_rename) {
  SETUP;
  int p1, p2;
  char l1[NAME_MAX + 1], l2[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 1), A32(v, 2), 0, &p1, l1);
  if (e != E_SUCCESS) RET(e);
  e = guest_path(c, A32(v, 3), A32(v, 4), A32(v, 5), 0, &p2, l2);
  if (e != E_SUCCESS) { close(p1); RET(e); }
  int r = renameat(p1, l1, p2, l2);
  int saved = errno;
  close(p1);
  close(p2);
  RET(r == 0 ? E_SUCCESS : errno_of(saved));
}

HOST(path_link) {
  SETUP;
  int p1, p2;
  char l1[NAME_MAX + 1], l2[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 2), A32(v, 3), A32(v, 1) & 1, &p1, l1);
  if (e != E_SUCCESS) RET(e);
  e = guest_path(c, A32(v, 4), A32(v, 5), A32(v, 6), 0, &p2, l2);
  if (e != E_SUCCESS) { close(p1); RET(e); }
  int r = linkat(p1, l1, p2, l2, 0);
  int saved = errno;
  close(p1);
  close(p2);
  RET(r == 0 ? E_SUCCESS : errno_of(saved));
}

HOST(path_symlink) {
  SETUP;
  uint32_t tl = A32(v, 1);
  const uint8_t *t = mem(c, A32(v, 0), tl);
  if (!t) RET(E_FAULT);
  /* The link is only created; following it later goes through resolve(), which refuses escapes. */
  char *target = wl_xstrdup((const char *)t, tl);
  if (target[0] == '/' || strlen(target) != tl) { wl_free_str(target); RET(E_NOTCAPABLE); }
  int parent;
  char leaf[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 2), A32(v, 3), A32(v, 4), 0, &parent, leaf);
  if (e != E_SUCCESS) { wl_free_str(target); RET(e); }
  int r = symlinkat(target, parent, leaf);
  int saved = errno;
  close(parent);
  wl_free_str(target);
  RET(r == 0 ? E_SUCCESS : errno_of(saved));
}

HOST(path_readlink) {
  SETUP;
  uint32_t len = A32(v, 4);
  uint8_t *buf = mem(c, A32(v, 3), len), *used = mem(c, A32(v, 5), 4);
  if (!buf || !used) RET(E_FAULT);
  int parent;
  char leaf[NAME_MAX + 1];
  int e = guest_path(c, A32(v, 0), A32(v, 1), A32(v, 2), 0, &parent, leaf);
  if (e != E_SUCCESS) RET(e);
  char target[PATH_MAX];
  ssize_t n = readlinkat(parent, leaf, target, sizeof target);
  int saved = errno;
  close(parent);
  if (n < 0) RET(errno_of(saved));
  if ((uint32_t)n > len) n = len;
  memcpy(buf, target, (size_t)n);
  put32(used, (uint32_t)n);
  RET(E_SUCCESS);
}

HOST(poll_oneoff) {
  SETUP;
  uint32_t n = A32(v, 2);
  uint8_t *in = mem(c, A32(v, 0), 48ull * n), *out = mem(c, A32(v, 1), 32ull * n), *nev = mem(c, A32(v, 3), 4);
  if (!in || !out || !nev) RET(E_FAULT);
  if (n == 0) RET(E_INVAL);
  /* Descriptors are always ready; without any, sleep until the earliest clock. */
  uint32_t events = 0;
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *s = in + 48 * i;
    if (s[8] == 0) continue;
    uint8_t *e = out + 32 * events++;
    memset(e, 0, 32);
    put64(e, get64(s));
    e[10] = s[8];
    put64(e + 16, 1);
    if (!fd_of(c->w, get32(s + 16))) put16(e + 8, E_BADF);
  }
  if (events == 0) {
    uint64_t best = UINT64_MAX;
    uint32_t which = 0;
    for (uint32_t i = 0; i < n; i++) {
      const uint8_t *s = in + 48 * i;
      uint64_t t = get64(s + 24);
      if (get16(s + 40) & 1) {
        struct timespec now;
        clockid_t id = CLOCK_MONOTONIC;
        clock_of(get32(s + 16), &id);
        clock_gettime(id, &now);
        t = t > ns(now) ? t - ns(now) : 0;
      }
      if (t < best) { best = t; which = i; }
    }
    struct timespec ts = {(time_t)(best / 1000000000ull), (long)(best % 1000000000ull)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    uint8_t *e = out;
    memset(e, 0, 32);
    put64(e, get64(in + 48 * which));
    events = 1;
  }
  put32(nev, events);
  RET(E_SUCCESS);
}

HOST(proc_exit) {
  SETUP;
  wl_exit((int)A32(v, 0));
}

HOST(proc_raise) { SETUP; RET(E_NOSYS); }
HOST(sched_yield) { SETUP; RET(E_SUCCESS); }
HOST(sock_unsupported) { SETUP; RET(E_NOTSUP); }

#define I 0x7f
#define L 0x7e
static const struct {
  const char *name;
  wl_host_fn fn;
  uint8_t np, nr;
  uint8_t params[10];
} functions[] = {
  {"args_get", w_args_get, 2, 1, {I, I}},
  {"args_sizes_get", w_args_sizes_get, 2, 1, {I, I}},
  {"environ_get", w_environ_get, 2, 1, {I, I}},
  {"environ_sizes_get", w_environ_sizes_get, 2, 1, {I, I}},
  {"clock_res_get", w_clock_res_get, 2, 1, {I, I}},
  {"clock_time_get", w_clock_time_get, 3, 1, {I, L, I}},
  {"fd_advise", w_fd_advise, 4, 1, {I, L, L, I}},
  {"fd_allocate", w_fd_allocate, 3, 1, {I, L, L}},
  {"fd_close", w_fd_close, 1, 1, {I}},
  {"fd_datasync", w_fd_sync, 1, 1, {I}},
  {"fd_fdstat_get", w_fd_fdstat_get, 2, 1, {I, I}},
  {"fd_fdstat_set_flags", w_fd_fdstat_set_flags, 2, 1, {I, I}},
  {"fd_fdstat_set_rights", w_fd_fdstat_set_rights, 3, 1, {I, L, L}},
  {"fd_filestat_get", w_fd_filestat_get, 2, 1, {I, I}},
  {"fd_filestat_set_size", w_fd_filestat_set_size, 2, 1, {I, L}},
  {"fd_filestat_set_times", w_fd_filestat_set_times, 4, 1, {I, L, L, I}},
  {"fd_pread", w_fd_pread, 5, 1, {I, I, I, L, I}},
  {"fd_prestat_get", w_fd_prestat_get, 2, 1, {I, I}},
  {"fd_prestat_dir_name", w_fd_prestat_dir_name, 3, 1, {I, I, I}},
  {"fd_pwrite", w_fd_pwrite, 5, 1, {I, I, I, L, I}},
  {"fd_read", w_fd_read, 4, 1, {I, I, I, I}},
  {"fd_readdir", w_fd_readdir, 5, 1, {I, I, I, L, I}},
  {"fd_renumber", w_fd_renumber, 2, 1, {I, I}},
  {"fd_seek", w_fd_seek, 4, 1, {I, L, I, I}},
  {"fd_sync", w_fd_sync, 1, 1, {I}},
  {"fd_tell", w_fd_tell, 2, 1, {I, I}},
  {"fd_write", w_fd_write, 4, 1, {I, I, I, I}},
  {"path_create_directory", w_path_create_directory, 3, 1, {I, I, I}},
  {"path_filestat_get", w_path_filestat_get, 5, 1, {I, I, I, I, I}},
  {"path_filestat_set_times", w_path_filestat_set_times, 7, 1, {I, I, I, I, L, L, I}},
  {"path_link", w_path_link, 7, 1, {I, I, I, I, I, I, I}},
  {"path_open", w_path_open, 9, 1, {I, I, I, I, I, L, L, I, I}},
  {"path_readlink", w_path_readlink, 6, 1, {I, I, I, I, I, I}},
  {"path_remove_directory", w_path_remove_directory, 3, 1, {I, I, I}},
  {"path_rename", w_path_rename, 6, 1, {I, I, I, I, I, I}},
  {"path_symlink", w_path_symlink, 5, 1, {I, I, I, I, I}},
  {"path_unlink_file", w_path_unlink_file, 3, 1, {I, I, I}},
  {"poll_oneoff", w_poll_oneoff, 4, 1, {I, I, I, I}},
  {"proc_exit", w_proc_exit, 1, 0, {I}},
  {"proc_raise", w_proc_raise, 1, 1, {I}},
  {"random_get", w_random_get, 2, 1, {I, I}},
  {"sched_yield", w_sched_yield, 0, 1, {0}},
  {"sock_accept", w_sock_unsupported, 3, 1, {I, I, I}},
  {"sock_recv", w_sock_unsupported, 6, 1, {I, I, I, I, I, I}},
  {"sock_send", w_sock_unsupported, 5, 1, {I, I, I, I, I}},
  {"sock_shutdown", w_sock_unsupported, 2, 1, {I, I}},
};
static const uint8_t errno_result[1] = {I};
#undef I
#undef L

int wl_wasi_function(const char *name, const uint8_t **params, uint32_t *np, const uint8_t **results, uint32_t *nr, wl_host_fn *fn) {
  for (size_t i = 0; i < sizeof functions / sizeof *functions; i++) {
    if (strlen(functions[i].name) != wl_len(name) || memcmp(functions[i].name, name, wl_len(name)) != 0) continue;
    *params = functions[i].params;
    *np = functions[i].np;
    *results = errno_result;
    *nr = functions[i].nr;
    *fn = functions[i].fn;
    return 0;
  }
  return -1;
}
