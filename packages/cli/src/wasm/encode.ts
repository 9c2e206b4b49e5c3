/**
 * A minimal wasm binary writer for the harness's own helper modules (the `spectest` host
 * module and the call wrappers of the Node engine). Not a general assembler.
 */

export class WasmWriter {
  readonly out: number[] = [];

  byte(...bs: number[]): this {
    for (const b of bs) this.out.push(b & 0xff);
    return this;
  }

  u32(v: number): this {
    let x = v >>> 0;
    do {
      let b = x & 0x7f;
      x >>>= 7;
      if (x !== 0) b |= 0x80;
      this.out.push(b);
    } while (x !== 0);
    return this;
  }

  s64(v: bigint): this {
    let x = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      const done = (x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0);
      this.out.push(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  s32(v: number): this {
    return this.s64(BigInt(v | 0));
  }

  name(s: string): this {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    for (const x of b) this.out.push(x);
    return this;
  }

  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]);
    return this;
  }

  /** Appends section `id` whose payload `fill` writes. */
  section(id: number, fill: (w: WasmWriter) => void): this {
    const inner = new WasmWriter();
    fill(inner);
    this.byte(id).u32(inner.out.length);
    for (const x of inner.out) this.out.push(x);
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function moduleHeader(): WasmWriter {
  return new WasmWriter().byte(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
}

/** Writes a function body (locals as run-length groups) into a code section entry. */
export function writeBody(w: WasmWriter, locals: number[], code: (b: WasmWriter) => void): void {
  const body = new WasmWriter();
  body.u32(locals.length);
  for (const t of locals) body.u32(1).byte(t);
  code(body);
  body.byte(0x0b);
  w.u32(body.out.length).bytes(body.out);
}
