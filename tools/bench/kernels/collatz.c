/* Integer division, remainders and bit counting: Collatz lengths and a digit sum. */
#include "kernel.h"
KERNEL {
  unsigned best = 0, digits = 0;
  for (unsigned s = 1; s < n; s++) {
    uint64_t v = s;
    unsigned len = 0;
    while (v != 1) { v = (v & 1) ? 3 * v + 1 : v >> 1; len++; }
    if (len > best) best = len;
    unsigned t = s;
    while (t) { digits += t % 10; t /= 10; }
    digits += (unsigned)__builtin_popcount(s * 2654435761u);
  }
  return best * 1000003u + digits;
}
