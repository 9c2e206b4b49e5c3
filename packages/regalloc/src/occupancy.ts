// Which value holds each physical register over which program points. Intervals are filed
// in fixed-size buckets of points, so a conflict query touches only the buckets its range
// covers: near-constant for the short ranges that dominate real code, with no tree to
// rebalance when bundles are evicted and re-inserted in arbitrary order.
//
// Each bucket is a singly linked list of entries in one pooled Int32Array (from, to, owner,
// vreg, next), with removed entries recycled through a free list. A JS array per bucket
// would put millions of small arrays on the heap, and scavenges of a heap that large cost
// more than the queries (the allocator's throughput fell with function size because of it).

const SHIFT = 6;
/** Owner id of intervals nobody may evict: fixed-register operands and clobbers. */
export const FIXED_OWNER = -1;
/** VReg id of clobbers: conflicts with every value. */
export const NO_VREG = -1;

const STRIDE = 5;
const FROM = 0;
const TO = 1;
const OWNER = 2;
const VREG = 3;
const NEXT = 4;

/** Storage left by the last `Occupancy` (see `release`); null while one holds it. */
let spareHeads: Int32Array | null = null;
let sparePool: Int32Array | null = null;
/** Storage larger than this (elements) is not kept between functions. */
const KEEP = 1 << 18;

export class Occupancy {
  /** Per (preg, bucket): the first entry's offset in `pool`, or -1. */
  private readonly heads: Int32Array;
  private readonly numBuckets: number;
  private pool: Int32Array;
  private top = 0;
  private free = -1;
  /** The full buffer `heads` is a view of. */
  private readonly headsBuf: Int32Array;

  constructor(numPRegs: number, numPoints: number) {
    this.numBuckets = (numPoints >> SHIFT) + 1;
    const nh = numPRegs * this.numBuckets;
    // Reuse the previous function's storage when it is large enough: allocating and zeroing
    // fresh typed arrays cost more than the queries of a small function.
    let hb = spareHeads;
    if (hb === null || hb.length < nh) hb = new Int32Array(Math.max(nh, 256));
    spareHeads = null;
    this.headsBuf = hb;
    this.heads = hb.subarray(0, nh);
    this.heads.fill(-1);
    const np = STRIDE * Math.max(64, numPoints >> 1);
    let pb = sparePool;
    if (pb === null || pb.length < np) pb = new Int32Array(np);
    sparePool = null;
    this.pool = pb;
  }

  /** Hands the storage to the next `Occupancy`; this one must not be used after. */
  release(): void {
    if (this.headsBuf.length <= KEEP) spareHeads = this.headsBuf;
    if (this.pool.length <= KEEP) sparePool = this.pool;
  }

  private alloc(): number {
    const f = this.free;
    if (f >= 0) {
      this.free = this.pool[f + NEXT];
      return f;
    }
    if (this.top === this.pool.length) {
      const n = new Int32Array(this.pool.length * 2);
      n.set(this.pool);
      this.pool = n;
    }
    const e = this.top;
    this.top += STRIDE;
    return e;
  }

  add(p: number, from: number, to: number, owner: number, vreg: number): void {
    const base = p * this.numBuckets;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      const x = this.alloc();
      const pool = this.pool;
      pool[x + FROM] = from;
      pool[x + TO] = to;
      pool[x + OWNER] = owner;
      pool[x + VREG] = vreg;
      pool[x + NEXT] = this.heads[base + b];
      this.heads[base + b] = x;
    }
  }

  remove(p: number, from: number, to: number, owner: number): void {
    const base = p * this.numBuckets;
    const pool = this.pool;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      let prev = -1;
      let x = this.heads[base + b];
      while (x >= 0) {
        const next = pool[x + NEXT];
        if (pool[x + OWNER] === owner && pool[x + FROM] === from) {
          if (prev < 0) this.heads[base + b] = next;
          else pool[prev + NEXT] = next;
          pool[x + NEXT] = this.free;
          this.free = x;
        } else prev = x;
        x = next;
      }
    }
  }

  /**
   * Calls `visit(owner, conflictFrom)` for each interval of another value overlapping
   * `[from, to)` in `p` (an interval spanning several buckets may be reported more than
   * once). Stops early when `visit` returns true.
   */
  conflicts(p: number, from: number, to: number, vreg: number, visit: (owner: number, at: number) => boolean): boolean {
    const base = p * this.numBuckets;
    const pool = this.pool;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      for (let x = this.heads[base + b]; x >= 0; x = pool[x + NEXT]) {
        const f = pool[x + FROM];
        if (f < to && from < pool[x + TO] && pool[x + VREG] !== vreg) {
          if (visit(pool[x + OWNER], f > from ? f : from)) return true;
        }
      }
    }
    return false;
  }

  /**
   * Scans conflicts of `[from, to)` in `p` bucket by bucket, folding into `acc` the heaviest
   * conflicting owner (`weights[owner]`, Infinity for fixed) and the first conflict point.
   * Stops once a conflict is known and nothing heavier than `limit` can change the verdict.
   */
  probe(p: number, from: number, to: number, vreg: number, weights: Float64Array, limit: number, acc: { max: number; first: number }): boolean {
    const base = p * this.numBuckets;
    const pool = this.pool;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      let x = this.heads[base + b];
      if (x < 0) continue;
      for (; x >= 0; x = pool[x + NEXT]) {
        const f = pool[x + FROM];
        if (f < to && from < pool[x + TO] && pool[x + VREG] !== vreg) {
          const owner = pool[x + OWNER];
          const w = owner < 0 ? Infinity : weights[owner];
          if (w > acc.max) acc.max = w;
          const at = f > from ? f : from;
          if (at < acc.first) acc.first = at;
        }
      }
      if (acc.first !== Infinity && acc.max >= limit) return true;
    }
    return false;
  }

  /** Whether anything other than `vreg` occupies `p` somewhere in `[from, to)`. */
  busy(p: number, from: number, to: number, vreg: number): boolean {
    const base = p * this.numBuckets;
    const pool = this.pool;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      for (let x = this.heads[base + b]; x >= 0; x = pool[x + NEXT]) {
        if (pool[x + FROM] < to && from < pool[x + TO] && pool[x + VREG] !== vreg) return true;
      }
    }
    return false;
  }
}
