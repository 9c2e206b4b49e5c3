// The interpreter's address space: one growable byte array holding the stack frames (stack
// slots) and any memory the host allocates, mapped at `MEMORY_BASE` so that small integers
// (and null) are never valid addresses. Function and symbol addresses are opaque numbers in
// ranges of their own; dereferencing them traps.
//
//   0 .. MEMORY_BASE          unmapped (null page)
//   MEMORY_BASE ..            linear memory (stack grows upward, frame by frame)
//   FUNC_BASE + 16 * k        address of function k (func_addr)
//   SYMBOL_BASE + 16 * k      address of symbol k (symbol_value)

import { TRAP_HEAP_OOB } from '@windlass/ir';
import { TrapSignal } from './value';

export const MEMORY_BASE = 0x10000;
export const FUNC_BASE = 0x7000_0000;
export const SYMBOL_BASE = 0x6000_0000;
/** Memory never grows past this (the stack overflows into a `stk_ovf` trap instead). */
export const MEMORY_LIMIT = 64 << 20;

export class LinearMemory {
  bytes = new Uint8Array(1 << 12);
  /** First free byte (relative to MEMORY_BASE). */
  top = 0;

  /** Allocate `size` bytes aligned to `align`; returns the address. */
  alloc(size: number, align: number): number {
    const a = Math.max(align, 1);
    const start = Math.ceil(this.top / a) * a;
    const end = start + size;
    if (end > MEMORY_LIMIT) return -1;
    if (end > this.bytes.length) {
      let n = this.bytes.length;
      while (n < end) n *= 2;
      const b = new Uint8Array(n);
      b.set(this.bytes);
      this.bytes = b;
    }
    this.bytes.fill(0, start, end);
    this.top = end;
    return MEMORY_BASE + start;
  }

  /** Release everything allocated after `mark` (a previous `top`). */
  release(mark: number): void {
    this.top = mark;
  }

  /** Offset into `bytes` of [addr, addr + n), or a trap with `code`. */
  check(addr: number, n: number, code: number): number {
    const off = addr - MEMORY_BASE;
    if (!(off >= 0 && off + n <= this.top)) throw new TrapSignal(code || TRAP_HEAP_OOB);
    return off;
  }

  read(addr: number, n: number, code: number): Uint8Array {
    const off = this.check(addr, n, code);
    return this.bytes.slice(off, off + n);
  }

  /** Store an address as a little-endian 64-bit word (frame records). */
  writeAddress(addr: number, value: number): void {
    const off = this.check(addr, 8, TRAP_HEAP_OOB);
    const b = this.bytes;
    for (let k = 0; k < 8; k++) b[off + k] = k < 4 ? (value >>> (8 * k)) & 0xff : k < 6 ? Math.floor(value / 2 ** (8 * k)) & 0xff : 0;
  }

  write(addr: number, data: Uint8Array, code: number): void {
    const off = this.check(addr, data.length, code);
    this.bytes.set(data, off);
  }
}
