import type { Endianness } from '../isa/types';

/**
 * A growable byte vector written through a `DataView` with a fixed endianness. Used for
 * machine code (`MachBuffer`), `.eh_frame` and ELF images.
 */
export class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  length = 0;
  readonly little: boolean;

  constructor(readonly endianness: Endianness = 'little', capacity = 256) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
    this.view = new DataView(this.bytes.buffer);
    this.little = endianness === 'little';
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    if (this.length >= this.bytes.length) this.reserve(1);
    this.bytes[this.length++] = v;
  }
  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, v, this.little);
    this.length += 2;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, this.little);
    this.length += 4;
  }
  /** A 64-bit value given as two 32-bit halves (bits 0-31 and 32-63). */
  u64Halves(lo: number, hi: number): void {
    this.reserve(8);
    if (this.little) {
      this.view.setUint32(this.length, lo, true);
      this.view.setUint32(this.length + 4, hi, true);
    } else {
      this.view.setUint32(this.length, hi, false);
      this.view.setUint32(this.length + 4, lo, false);
    }
    this.length += 8;
  }
  /** A 64-bit integer from a safe JS integer (negative values in two's complement). */
  u64(v: number): void {
    const hi = Math.floor(v / 0x1_0000_0000);
    this.u64Halves(v - hi * 0x1_0000_0000, hi);
  }
  bytesFrom(src: Uint8Array): void {
    this.reserve(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }
  zeros(n: number): void {
    this.reserve(n);
    this.bytes.fill(0, this.length, this.length + n);
    this.length += n;
  }
  /** Pads with `fill` up to a multiple of `align` (a power of two). */
  align(align: number, fill = 0): void {
    const pad = (align - (this.length & (align - 1))) & (align - 1);
    this.reserve(pad);
    this.bytes.fill(fill, this.length, this.length + pad);
    this.length += pad;
  }
  /** Unsigned LEB128 of a non-negative safe integer (RangeError otherwise: callers validate). */
  uleb(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`uleb128 of ${v}`);
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.u8(b);
    } while (v !== 0);
  }
  /** Signed LEB128 of a safe integer (RangeError otherwise: callers validate). */
  sleb(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`sleb128 of ${v}`);
    for (;;) {
      const b = ((v % 128) + 128) % 128;
      v = Math.floor(v / 128);
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.u8(done ? b : b | 0x80);
      if (done) return;
    }
  }
  /** `s` in UTF-8, then a NUL. */
  cstring(s: string): void {
    this.utf8(s);
    this.u8(0);
  }
  utf8(s: string): void {
    for (const ch of s) {
      const c = ch.codePointAt(0)!;
      if (c < 0x80) this.u8(c);
      else if (c < 0x800) { this.u8(0xc0 | (c >> 6)); this.u8(0x80 | (c & 63)); }
      else if (c < 0x10000) { this.u8(0xe0 | (c >> 12)); this.u8(0x80 | ((c >> 6) & 63)); this.u8(0x80 | (c & 63)); }
      else {
        this.u8(0xf0 | (c >> 18)); this.u8(0x80 | ((c >> 12) & 63));
        this.u8(0x80 | ((c >> 6) & 63)); this.u8(0x80 | (c & 63));
      }
    }
  }
  patchU32(offset: number, v: number): void {
    this.view.setUint32(offset, v, this.little);
  }
  /** The written bytes (a copy, so the writer can be reused or dropped). */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}
