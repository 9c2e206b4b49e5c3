/* Pointer chasing: a linked list shuffled through a big array, walked repeatedly. */
#include "kernel.h"
#define NODES (1 << 16)
struct node { struct node *next; unsigned val; };
static struct node pool[NODES];
static unsigned perm[NODES];
KERNEL {
  uint32_t s = 12345;
  for (unsigned i = 0; i < NODES; i++) perm[i] = i;
  for (unsigned i = NODES - 1; i > 0; i--) {
    s = s * 1103515245u + 12345u;
    unsigned j = (s >> 8) % (i + 1), t = perm[i];
    perm[i] = perm[j]; perm[j] = t;
  }
  for (unsigned i = 0; i < NODES; i++) {
    pool[perm[i]].next = &pool[perm[(i + 1) % NODES]];
    pool[perm[i]].val = i * 3;
  }
  unsigned sum = 0;
  struct node *p = &pool[perm[0]];
  for (unsigned r = 0; r < n; r++) {
    sum += p->val;
    p = p->next;
  }
  return sum;
}
