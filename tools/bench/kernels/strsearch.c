/* Byte strings: naive substring search and run-length encoding over a text buffer. */
#include "kernel.h"
#define TL 32768
static unsigned char text[TL], out[2 * TL];
KERNEL {
  uint32_t s = 99;
  for (int i = 0; i < TL; i++) { s = s * 1664525u + 1013904223u; unsigned c = (s >> 24) & 7; text[i] = (unsigned char)(c < 4 ? 'a' : 'a' + c); }
  static const unsigned char pat[] = "aaaab";
  unsigned found = 0, encoded = 0;
  for (unsigned r = 0; r < n; r++) {
    for (int i = 0; i + 5 <= TL; i++) {
      int k = 0;
      while (k < 5 && text[i + k] == pat[k]) k++;
      found += k == 5;
    }
    int o = 0;
    for (int i = 0; i < TL;) {
      int j = i;
      while (j < TL && text[j] == text[i] && j - i < 255) j++;
      out[o++] = (unsigned char)(j - i); out[o++] = text[i];
      i = j;
    }
    encoded += (unsigned)o;
    text[r % TL] ^= 1;
  }
  return found * 65599u + encoded;
}
