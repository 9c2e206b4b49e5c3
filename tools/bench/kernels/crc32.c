/* Table-driven CRC-32 over a byte buffer: byte loads, table lookups, shifts. */
#include "kernel.h"
#define LEN 65536
static uint32_t table[256];
static unsigned char buf[LEN];
KERNEL {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  for (unsigned i = 0; i < LEN; i++) buf[i] = (unsigned char)(i * 131 + (i >> 7));
  uint32_t crc = 0xffffffffu;
  for (unsigned r = 0; r < n; r++)
    for (unsigned i = 0; i < LEN; i++) crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}
