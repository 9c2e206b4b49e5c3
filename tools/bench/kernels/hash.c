/* Integer hashing: a 64-bit mixer and FNV-1a over generated words (no memory traffic). */
#include "kernel.h"
static inline uint64_t mix(uint64_t x) {
  x ^= x >> 33; x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}
KERNEL {
  uint64_t h = 0xcbf29ce484222325ull;
  uint32_t f = 2166136261u;
  for (unsigned i = 0; i < n; i++) {
    uint64_t v = mix(i + h);
    h = (h ^ v) * 0x100000001b3ull;
    f = (f ^ (uint32_t)(v >> 7)) * 16777619u;
    f = (f << 13) | (f >> 19);
  }
  return (unsigned)(h ^ (h >> 32)) ^ f;
}
