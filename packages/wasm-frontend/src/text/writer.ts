/**
 * A growable byte buffer with the binary format's encodings (LEB128, IEEE bits, names), and a
 * source map: `mark(textOffset)` ties the next byte to a text position, so an error the decoder
 * or validator reports at a byte offset can be shown at the text that produced it.
 */

const EMPTY = new Uint8Array(0);

export class ByteWriter {
  /** Allocated on the first write: a module has many sections, most of them empty. */
  buf: Uint8Array = EMPTY;
  length = 0;
  /** Pairs (byte offset, text offset), byte offsets increasing. */
  readonly marks: number[] = [];

  constructor(private readonly initial = 64) {}

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = Math.max(this.initial, this.buf.length * 2);
    while (cap < this.length + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  mark(textOffset: number): void {
    const m = this.marks;
    if (m.length > 0 && m[m.length - 2] === this.length) m[m.length - 1] = textOffset;
    else m.push(this.length, textOffset);
  }

  u8(b: number): void {
    if (this.length === this.buf.length) this.reserve(1);
    this.buf[this.length++] = b;
  }

  /** An operator's opcode: one byte, or the `0xFC`/`0xFD` prefix and a LEB128 sub-opcode. */
  op(op: number): void {
    if (op < 0x100) this.u8(op);
    else {
      this.u8(op >= 0x200 ? 0xfd : 0xfc);
      this.u32(op & 0xff);
    }
  }

  u32(v: number): void {
    this.reserve(5);
    let x = v >>> 0;
    for (;;) {
      const b = x & 0x7f;
      x >>>= 7;
      if (x === 0) {
        this.buf[this.length++] = b;
        return;
      }
      this.buf[this.length++] = b | 0x80;
    }
  }

  /** Signed LEB128 of an integer in [-2^52, 2^52] (i32 immediates, s33 block types). */
  sleb(v: number): void {
    this.reserve(10);
    let x = v;
    for (;;) {
      const b = ((x % 128) + 128) % 128;
      x = Math.floor(x / 128);
      const done = (x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0);
      this.buf[this.length++] = done ? b : b | 0x80;
      if (done) return;
    }
  }

  /** Signed LEB128 of a 64-bit integer. */
  s64(v: bigint): void {
    if (v >= -0x8000000000000n && v <= 0x8000000000000n) return this.sleb(Number(v));
    this.reserve(10);
    let x = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      const done = (x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0);
      this.buf[this.length++] = done ? b : b | 0x80;
      if (done) return;
    }
  }

  /** 32 bits, little-endian (an f32 immediate). */
  u32le(v: number): void {
    this.reserve(4);
    const b = this.buf;
    let p = this.length;
    b[p++] = v & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 24) & 0xff;
    this.length = p;
  }

  /** 64 bits, little-endian (an f64 immediate). */
  u64le(v: bigint): void {
    this.u32le(Number(v & 0xffffffffn));
    this.u32le(Number((v >> 32n) & 0xffffffffn));
  }

  bytes(b: Uint8Array): void {
    this.copy(b, 0, b.length);
  }

  /** Appends b[from, to) (a loop for short runs: no view object per instruction). */
  private copy(b: Uint8Array, from: number, to: number): void {
    const n = to - from;
    this.reserve(n);
    if (n <= 16) {
      const buf = this.buf;
      let p = this.length;
      for (let i = from; i < to; i++) buf[p++] = b[i];
    } else this.buf.set(b.subarray(from, to), this.length);
    this.length += n;
  }

  /** A length-prefixed byte vector (a name or a data payload). */
  vec(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }

  /** Appends another writer's bytes, and its marks moved to where they land. */
  append(w: ByteWriter): void {
    const base = this.length;
    this.copy(w.buf, 0, w.length);
    const m = w.marks;
    for (let i = 0; i < m.length; i += 2) this.marks.push(m[i] + base, m[i + 1]);
  }

  /** Appends bytes [from, length) of this writer's own tail to `into` and truncates it there. */
  moveTail(from: number, into: ByteWriter): void {
    into.copy(this.buf, from, this.length);
    this.length = from;
  }

  /** Empties the writer for reuse (keeps its buffer). */
  reset(): void {
    this.length = 0;
    this.marks.length = 0;
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** The text offset that produced byte `offset`, from a writer's marks (-1 when none). */
export function textOffsetOf(marks: readonly number[], offset: number): number {
  let lo = 0;
  let hi = marks.length / 2 - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid * 2] <= offset) {
      found = marks[mid * 2 + 1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
