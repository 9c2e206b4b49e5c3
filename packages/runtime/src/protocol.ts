/**
 * The loader's pipe protocol (the README documents it): frames of a u32 length and a payload,
 * every integer little-endian, strings as u32 length + UTF-8, values as 16 little-endian bytes.
 */
import { LoaderError } from './errors';

export const PROTOCOL_VERSION = 2;

export const enum Request {
  Hello = 1,
  Load = 2,
  Instantiate = 3,
  Invoke = 4,
  Global = 5,
  Output = 6,
  InstantiateComponent = 7,
  InvokeComponent = 8,
}

export const enum Status {
  Ok = 0,
  Trap = 1,
  Exit = 2,
  Link = 3,
  Error = 4,
  Crash = 5,
  Timeout = 6,
}

export class Writer {
  private chunks: Buffer[] = [];
  u8(v: number): this {
    this.chunks.push(Buffer.from([v]));
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0, 0);
    this.chunks.push(b);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.chunks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    return this;
  }
  sized(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }
  str(s: string): this {
    return this.sized(Buffer.from(s, 'utf8'));
  }
  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export class Reader {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new LoaderError('the loader sent a truncated response');
  }
  u8(): number {
    this.need(1);
    return this.b[this.pos++];
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  str(): string {
    return this.bytes(this.u32()).toString('utf8');
  }
}
