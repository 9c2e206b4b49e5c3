/* Dense f64 loop over memory: a dot product, repeated. */
#include "kernel.h"
#define N 4096
static double a[N], b[N];
KERNEL {
  for (int i = 0; i < N; i++) { a[i] = (double)(i % 17) * 0.25; b[i] = (double)(i % 13) - 6.0; }
  double s = 0;
  for (unsigned r = 0; r < n; r++) {
    double t = 0;
    for (int i = 0; i < N; i++) t += a[i] * b[i];
    s += t;
    a[r % N] += 1.0;
  }
  return fbits(s);
}
