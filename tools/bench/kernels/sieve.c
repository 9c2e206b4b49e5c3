/* Sieve of Eratosthenes over a byte array, repeated. */
#include "kernel.h"
#define LIMIT 200000
static unsigned char comp[LIMIT + 1];
KERNEL {
  unsigned count = 0;
  for (unsigned r = 0; r < n; r++) {
    for (unsigned i = 0; i <= LIMIT; i++) comp[i] = 0;
    count = 0;
    for (unsigned i = 2; i <= LIMIT; i++) {
      if (comp[i]) continue;
      count++;
      for (unsigned j = i * 2; j <= LIMIT; j += i) comp[j] = 1;
    }
  }
  return count;
}
