/*
 * Relocations of .rela.text, per ISA: an artifact leaves only references to the runtime
 * symbols (libcalls.c) for the loader; calls between its own functions are resolved already.
 * The text is mapped near the loader's code (artifact.c), so PC-relative calls reach.
 * Type numbers: x86-64 psABI, AAELF64, RISC-V ELF psABI, s390x ELF ABI supplement.
 */
#include "wl.h"
#include "arch.h"
#include <stdio.h>

static int fits(int64_t v, int bits) { return v >= -((int64_t)1 << (bits - 1)) && v < ((int64_t)1 << (bits - 1)); }

static int range_error(char *err, size_t errn, const char *what, int64_t d) {
  snprintf(err, errn, "%s displacement %lld out of range (the code is mapped too far from the loader)", what, (long long)d);
  return -1;
}

int wl_apply_reloc(uint8_t *text, size_t text_size, uint64_t offset, uint32_t type, uint64_t sym, int64_t addend, char *err, size_t errn) {
  uint8_t *p = text + offset;
  uint64_t P = (uint64_t)(uintptr_t)p;
  int64_t d = (int64_t)(sym + addend - P);
  size_t need = 4;
#if defined(__x86_64__)
  switch (type) {
  case 1: /* R_X86_64_64 */
    need = 8;
    if (offset + need > text_size) break;
    { uint64_t v = sym + addend; memcpy(p, &v, 8); }
    return 0;
  case 2: /* R_X86_64_PC32 */
  case 4: /* R_X86_64_PLT32 */
    if (offset + need > text_size) break;
    if (!fits(d, 32)) return range_error(err, errn, "R_X86_64_PLT32", d);
    { int32_t v = (int32_t)d; memcpy(p, &v, 4); }
    return 0;
  default:
    snprintf(err, errn, "relocation type %u is not applied by the x86_64 loader", type);
    return -1;
  }
#elif defined(__aarch64__)
  switch (type) {
  case 257: /* R_AARCH64_ABS64 */
    need = 8;
    if (offset + need > text_size) break;
    { uint64_t v = sym + addend; memcpy(p, &v, 8); }
    return 0;
  case 282: /* R_AARCH64_JUMP26 */
  case 283: /* R_AARCH64_CALL26 */
    if (offset + need > text_size) break;
    if ((d & 3) != 0 || !fits(d, 28)) return range_error(err, errn, "R_AARCH64_CALL26", d);
    { uint32_t w; memcpy(&w, p, 4); w = (w & 0xfc000000u) | ((uint32_t)(d >> 2) & 0x03ffffffu); memcpy(p, &w, 4); }
    return 0;
  default:
    snprintf(err, errn, "relocation type %u is not applied by the aarch64 loader", type);
    return -1;
  }
#elif defined(__riscv)
  switch (type) {
  case 2: /* R_RISCV_64 */
    need = 8;
    if (offset + need > text_size) break;
    { uint64_t v = sym + addend; memcpy(p, &v, 8); }
    return 0;
  case 18: /* R_RISCV_CALL */
  case 19: /* R_RISCV_CALL_PLT: auipc + jalr */
    need = 8;
    if (offset + need > text_size) break;
    if (!fits(d, 32)) return range_error(err, errn, "R_RISCV_CALL_PLT", d);
    {
      int64_t hi = (d + 0x800) >> 12, lo = d - hi * 4096;
      uint32_t auipc, jalr;
      memcpy(&auipc, p, 4);
      memcpy(&jalr, p + 4, 4);
      auipc = (auipc & 0xfffu) | ((uint32_t)hi << 12);
      jalr = (jalr & 0xfffffu) | (((uint32_t)lo & 0xfffu) << 20);
      memcpy(p, &auipc, 4);
      memcpy(p + 4, &jalr, 4);
    }
    return 0;
  default:
    snprintf(err, errn, "relocation type %u is not applied by the riscv64 loader", type);
    return -1;
  }
#elif defined(__s390x__)
  switch (type) {
  case 22: /* R_390_64 */
    need = 8;
    if (offset + need > text_size) break;
    { uint64_t v = sym + addend; memcpy(p, &v, 8); }
    return 0;
  case 19: /* R_390_PC32DBL */
  case 20: /* R_390_PLT32DBL */
    if (offset + need > text_size) break;
    if ((d & 1) != 0 || !fits(d, 33)) return range_error(err, errn, "R_390_PLT32DBL", d);
    { int32_t v = (int32_t)(d >> 1); memcpy(p, &v, 4); }
    return 0;
  default:
    snprintf(err, errn, "relocation type %u is not applied by the s390x loader", type);
    return -1;
  }
#endif
  snprintf(err, errn, "relocation at %llu leaves .text", (unsigned long long)offset);
  return -1;
}
