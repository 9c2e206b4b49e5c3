/* Binary trees built in a static pool and walked recursively (allocation-free "binary-trees"). */
#include "kernel.h"
struct tree { struct tree *l, *r; int v; };
static struct tree pool[1 << 17];
static int used;
static struct tree *make(int depth, int v) {
  struct tree *t = &pool[used++];
  t->v = v;
  if (depth > 0) { t->l = make(depth - 1, 2 * v); t->r = make(depth - 1, 2 * v + 1); }
  else t->l = t->r = 0;
  return t;
}
static int check(const struct tree *t) { return t->l ? t->v + check(t->l) - check(t->r) : t->v; }
KERNEL {
  int total = 0;
  for (unsigned r = 0; r < n; r++) {
    used = 0;
    struct tree *t = make(15, (int)r);
    total += check(t);
  }
  return (unsigned)total;
}
