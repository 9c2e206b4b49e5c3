/**
 * Little-endian encoding of the artifact's own sections. Every multi-byte field of the
 * `.windlass.*` sections is little-endian on every target (the ELF container itself follows
 * the target's byte order); a reader never reads past its section and reports where it stopped.
 */
import { ArtifactError } from '../errors';

// TextEncoder / TextDecoder exist in every engine the core packages target (browsers, Node,
// Deno); the core packages' type libraries do not declare them.
interface Utf8Codecs {
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new (label: string, opts: { fatal: boolean; ignoreBOM: boolean }) => { decode(b: Uint8Array): string };
}
const codecs = globalThis as unknown as Utf8Codecs;
const utf8 = new codecs.TextEncoder();
const fromUtf8 = new codecs.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class LeWriter {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.dv.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }
  u64(v: bigint): this {
    this.room(8);
    this.dv.setBigUint64(this.length, BigInt.asUintN(64, v), true);
    this.length += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** A string: u32 byte length, then UTF-8. */
  str(s: string): this {
    const b = utf8.encode(s);
    return this.u32(b.length).bytes(b);
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Reads one section; `base` is the section's offset in the artifact, for error locations. */
export class LeReader {
  pos = 0;
  private readonly dv: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly section: string,
    readonly base: number,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(reason: string, at = this.pos): never {
    throw new ArtifactError('malformed', this.section, this.base + at, reason);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) this.fail(`${what} runs past the end of the section (${this.bytes.length} bytes)`);
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytesOf(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  str(what = 'string'): string {
    const at = this.pos;
    const n = this.u32(`${what} length`);
    const b = this.bytesOf(n, what);
    try {
      return fromUtf8.decode(b);
    } catch {
      return this.fail(`${what} is not UTF-8`, at);
    }
  }
  /** A count of items each at least `minItemBytes` long: bounded by what is left. */
  count(what: string, minItemBytes: number): number {
    const at = this.pos;
    const n = this.u32(`${what} count`);
    if (n * Math.max(1, minItemBytes) > this.remaining) this.fail(`${what} count ${n} does not fit in the ${this.remaining} bytes left`, at);
    return n;
  }
  /** An index below `limit`. */
  index(what: string, limit: number): number {
    const at = this.pos;
    const v = this.u32(what);
    if (v >= limit) this.fail(`${what} ${v} out of range (${limit} defined)`, at);
    return v;
  }
  end(): void {
    if (this.pos !== this.bytes.length) this.fail(`${this.bytes.length - this.pos} unexpected bytes after the last field`);
  }
}
