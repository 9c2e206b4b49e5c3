/* Dynamic memory: a chained hash table of many small allocations, realloc growth, frees. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct node { char *key; int count; struct node *next; } node;

static uint32_t hash(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
  return h;
}

int main(void) {
  size_t nb = 1024;
  node **buckets = calloc(nb, sizeof *buckets);
  char key[32];
  int distinct = 0;
  for (int i = 0; i < 200000; i++) {
    snprintf(key, sizeof key, "k%d", (i * 7919) % 50021);
    node **b = &buckets[hash(key) % nb];
    node *n = *b;
    while (n && strcmp(n->key, key)) n = n->next;
    if (!n) {
      n = malloc(sizeof *n);
      n->key = strdup(key);
      n->count = 0;
      n->next = *b;
      *b = n;
      distinct++;
    }
    n->count++;
  }
  int maxc = 0, longest = 0;
  for (size_t i = 0; i < nb; i++) {
    int len = 0;
    for (node *n = buckets[i]; n; n = n->next, len++) if (n->count > maxc) maxc = n->count;
    if (len > longest) longest = len;
  }
  printf("distinct keys %d, max count %d, longest chain %d\n", distinct, maxc, longest);
  int *v = NULL;
  size_t cap = 0;
  for (int i = 0; i < 100000; i++) {
    if ((size_t)i == cap) {
      cap = cap ? cap * 2 : 4;
      v = realloc(v, cap * sizeof *v);
    }
    v[i] = i * i;
  }
  printf("realloc'd to %zu ints, v[99999] = %d\n", cap, v[99999]);
  free(v);
  for (size_t i = 0; i < nb; i++)
    for (node *n = buckets[i], *next; n; n = next) {
      next = n->next;
      free(n->key);
      free(n);
    }
  free(buckets);
  printf("all freed\n");
  return 0;
}
