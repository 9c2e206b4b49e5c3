/**
 * Bounded byte reader. Every length read from the input is checked against the bytes left
 * before it is used, so no input can make decoding allocate wildly or loop forever.
 */
import { WasmMalformedError } from './errors';

// TextDecoder exists in every JavaScript host, but the workspace compiles against plain ES2022
// libs, so reach it through globalThis with the one signature used here.
interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}
type Utf8DecoderCtor = new (label: string, opts: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
const utf8 = new (globalThis as unknown as { TextDecoder: Utf8DecoderCtor }).TextDecoder('utf-8', {
  fatal: true,
  ignoreBOM: true,
});

export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;
  /** End of the current section or function body; reads never pass it. */
  end: number;
  /** Context reported in errors. */
  section = -1;
  func = -1;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  fail(rule: string, detail?: string, offset = this.pos): never {
    throw new WasmMalformedError(rule, { offset, section: this.section, func: this.func }, detail);
  }

  private eof(): never {
    this.fail(this.end < this.bytes.length ? 'unexpected end of section or function' : 'unexpected end');
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) this.eof();
    return this.bytes[this.pos++];
  }

  peekU8(): number {
    if (this.pos >= this.end) this.eof();
    return this.bytes[this.pos];
  }

  u32(): number {
    const b = this.bytes;
    if (this.pos < this.end && b[this.pos] < 0x80) return b[this.pos++];
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8();
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', undefined, start);
        if (byte & 0x70) this.fail('integer too large', undefined, start);
      }
      result += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return result;
      shift += 7;
    }
    /* c8 ignore next */
    return this.fail('integer representation too long', undefined, start);
  }

  /** Signed LEB128 of `bits` (32 or 33) bits, returned as a JS number. */
  sN(bits: 32 | 33): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8();
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', undefined, start);
        // Bits beyond `bits` must repeat the sign bit.
        const signBit = bits - 28 - 1; // position of the sign bit inside this byte
        const mask = (0x7f >> signBit) << signBit; // sign bit and everything above, 7 bits wide
        const top = byte & mask & 0x7f;
        if (top !== 0 && top !== (mask & 0x7f)) this.fail('integer too large', undefined, start);
      }
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) {
        if (byte & 0x40) result -= 2 ** shift;
        if (bits === 32) return result | 0;
        // s33: keep the 33-bit value exactly.
        const m = 2 ** 33;
        result = ((result % m) + m) % m;
        return result >= 2 ** 32 ? result - m : result;
      }
    }
    /* c8 ignore next */
    return this.fail('integer representation too long', undefined, start);
  }

  s32(): number {
    const b = this.bytes;
    if (this.pos < this.end && b[this.pos] < 0x80) {
      const v = b[this.pos++];
      return v & 0x40 ? v - 0x80 : v;
    }
    return this.sN(32);
  }

  /** Validates a signed 64-bit LEB128 and skips it (hot path of validation: value unused). */
  skipS64(): void {
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      const byte = this.u8();
      if (i === 9) {
        if (byte & 0x80) this.fail('integer representation too long', undefined, start);
        const top = byte & 0x7f;
        if (top !== 0 && top !== 0x7f) this.fail('integer too large', undefined, start);
        return;
      }
      if (!(byte & 0x80)) return;
    }
  }

  /** Signed 64-bit LEB128 as a bigint (edge use: constants). */
  s64(): bigint {
    const start = this.pos;
    this.skipS64();
    let result = 0n;
    let shift = 0n;
    let byte = 0;
    for (let p = start; p < this.pos; p++) {
      byte = this.bytes[p];
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    }
    if (byte & 0x40) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  skip(n: number): void {
    if (n > this.end - this.pos) this.eof();
    this.pos += n;
  }

  /** `n` bytes as a view (no copy). */
  take(n: number): Uint8Array {
    const start = this.pos;
    this.skip(n);
    return this.bytes.subarray(start, start + n);
  }

  f32Bits(): number {
    const p = this.pos;
    this.skip(4);
    const b = this.bytes;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  f64Bits(): bigint {
    const lo = BigInt(this.f32Bits());
    const hi = BigInt(this.f32Bits());
    return (hi << 32n) | lo;
  }

  /** A length-prefixed vector count, rejected early when it cannot fit the bytes left. */
  count(minItemBytes = 1): number {
    const start = this.pos;
    const n = this.u32();
    if (n * minItemBytes > this.end - this.pos) {
      this.pos = start;
      this.fail(this.end < this.bytes.length ? 'unexpected end of section or function' : 'unexpected end', `count ${n}`, start);
    }
    return n;
  }

  name(): string {
    const start = this.pos;
    const len = this.u32();
    if (len > this.end - this.pos) this.fail('length out of bounds', `name of ${len} bytes`, start);
    const bytes = this.take(len);
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('malformed UTF-8 encoding', undefined, start);
    }
  }
}
