// Growable typed arrays: the backing store of every dense table in the IR.

export function growInt32(a: Int32Array<ArrayBuffer>, min: number, fill = 0): Int32Array<ArrayBuffer> {
  if (a.length >= min) return a;
  let n = Math.max(16, a.length * 2);
  while (n < min) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export function growUint16(a: Uint16Array<ArrayBuffer>, min: number): Uint16Array<ArrayBuffer> {
  if (a.length >= min) return a;
  let n = Math.max(16, a.length * 2);
  while (n < min) n *= 2;
  const b = new Uint16Array(n);
  b.set(a);
  return b;
}

export function growUint8(a: Uint8Array<ArrayBuffer>, min: number): Uint8Array<ArrayBuffer> {
  if (a.length >= min) return a;
  let n = Math.max(16, a.length * 2);
  while (n < min) n *= 2;
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

/** Split a bigint (interpreted modulo 2^64) into signed 32-bit halves. */
export function splitI64(v: bigint): [number, number] {
  const u = BigInt.asUintN(64, v);
  return [Number(BigInt.asIntN(32, u)), Number(BigInt.asIntN(32, u >> 32n))];
}

/** Join 32-bit halves into a signed 64-bit bigint. */
export function joinI64(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
}

/** Join 32-bit halves into a number when exact (|v| < 2^53), for hot paths that do not need bigint. */
export function joinI64Number(lo: number, hi: number): number {
  return hi * 4294967296 + (lo >>> 0);
}
