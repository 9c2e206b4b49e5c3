/**
 * The artifact's integrity hash: XXH32 (seed 0) as the xxHash specification defines it, over
 * the whole file with the 4-byte hash field zeroed. It detects damaged or truncated files; it is
 * not a signature (anyone can re-seal a modified artifact), which is why `deserialize` checks
 * every structure after it anyway. Word-at-a-time, so hashing costs little next to mapping.
 */
const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);
}

/** XXH32 of `b` with seed 0, as an unsigned 32-bit number. */
export function xxh32(b: Uint8Array): number {
  const n = b.length;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  let h: number;
  if (n >= 16) {
    let v1 = (P1 + P2) | 0;
    let v2 = P2 | 0;
    let v3 = 0;
    let v4 = -P1 | 0;
    const limit = n - 16;
    while (p <= limit) {
      v1 = round(v1, dv.getUint32(p, true));
      v2 = round(v2, dv.getUint32(p + 4, true));
      v3 = round(v3, dv.getUint32(p + 8, true));
      v4 = round(v4, dv.getUint32(p + 12, true));
      p += 16;
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else h = P5;
  h = (h + n) | 0;
  while (p + 4 <= n) {
    h = Math.imul(rotl((h + Math.imul(dv.getUint32(p, true), P3)) | 0, 17), P4);
    p += 4;
  }
  while (p < n) {
    h = Math.imul(rotl((h + Math.imul(b[p], P5)) | 0, 11), P1);
    p++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}
