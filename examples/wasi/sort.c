/* qsort and a hand-written merge sort over a pseudo-random sequence; checksums agree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t state = 12345;
static uint32_t next(void) { state = state * 1103515245u + 12345u; return state >> 8; }

static int cmp(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static void merge_sort(int32_t *a, int32_t *tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  merge_sort(a, tmp, h);
  merge_sort(a + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

int main(void) {
  enum { N = 100000 };
  int32_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *tmp = malloc(N * sizeof *tmp);
  for (int i = 0; i < N; i++) a[i] = b[i] = (int32_t)(next() % 2000001) - 1000000;
  qsort(a, N, sizeof *a, cmp);
  merge_sort(b, tmp, N);
  uint64_t sum = 0;
  for (int i = 0; i < N; i++) sum = sum * 31 + (uint32_t)a[i];
  printf("min %d max %d median %d\n", a[0], a[N - 1], a[N / 2]);
  printf("checksum %llx, sorts agree: %s\n", (unsigned long long)sum, memcmp(a, b, N * sizeof *a) == 0 ? "yes" : "no");
  free(a); free(b); free(tmp);
  return 0;
}
