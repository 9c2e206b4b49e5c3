/* Sorting: quicksort (insertion sort below 16) of pseudo-random integers, repeated. */
#include "kernel.h"
#define NS 20000
static int xs[NS];
static void isort(int *v, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    int x = v[i], j = i - 1;
    while (j >= lo && v[j] > x) { v[j + 1] = v[j]; j--; }
    v[j + 1] = x;
  }
}
static void qsort_(int *v, int lo, int hi) {
  while (hi - lo > 16) {
    int p = v[lo + (hi - lo) / 2], i = lo, j = hi;
    while (i <= j) {
      while (v[i] < p) i++;
      while (v[j] > p) j--;
      if (i <= j) { int t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { qsort_(v, lo, j); lo = i; } else { qsort_(v, i, hi); hi = j; }
  }
  isort(v, lo, hi);
}
KERNEL {
  uint32_t s = 7, check = 0;
  for (unsigned r = 0; r < n; r++) {
    for (int i = 0; i < NS; i++) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; xs[i] = (int)(s % 1000003u) - 500000; }
    qsort_(xs, 0, NS - 1);
    check = check * 31 + (uint32_t)xs[r % NS] + (uint32_t)xs[NS / 2];
  }
  return check;
}
