// Which value holds each physical register over which program points. Intervals are filed
// in fixed-size buckets of points, so a conflict query touches only the buckets its range
// covers: near-constant for the short ranges that dominate real code, with no tree to
// rebalance when bundles are evicted and re-inserted in arbitrary order.

const SHIFT = 6;
/** Owner id of intervals nobody may evict: fixed-register operands and clobbers. */
export const FIXED_OWNER = -1;
/** VReg id of clobbers: conflicts with every value. */
export const NO_VREG = -1;

export class Occupancy {
  private readonly tables: ((number[] | null)[] | undefined)[];
  private readonly numBuckets: number;

  constructor(numPRegs: number, numPoints: number) {
    this.tables = new Array(numPRegs);
    this.numBuckets = (numPoints >> SHIFT) + 1;
  }

  private table(p: number): (number[] | null)[] {
    let t = this.tables[p];
    // Filled, not holey: reading a hole consults the prototype chain.
    if (!t) t = this.tables[p] = new Array<number[] | null>(this.numBuckets).fill(null);
    return t;
  }

  add(p: number, from: number, to: number, owner: number, vreg: number): void {
    const t = this.table(p);
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      const bucket = t[b];
      if (bucket) bucket.push(from, to, owner, vreg);
      else t[b] = [from, to, owner, vreg];
    }
  }

  remove(p: number, from: number, to: number, owner: number): void {
    const t = this.tables[p];
    if (!t) return;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      const bucket = t[b];
      if (!bucket) continue;
      let w = 0;
      for (let k = 0; k < bucket.length; k += 4) {
        if (bucket[k + 2] === owner && bucket[k] === from) continue;
        if (w !== k) {
          bucket[w] = bucket[k];
          bucket[w + 1] = bucket[k + 1];
          bucket[w + 2] = bucket[k + 2];
          bucket[w + 3] = bucket[k + 3];
        }
        w += 4;
      }
      bucket.length = w;
    }
  }

  /**
   * Calls `visit(owner, conflictFrom)` for each interval of another value overlapping
   * `[from, to)` in `p` (an interval spanning several buckets may be reported more than
   * once). Stops early when `visit` returns true.
   */
  conflicts(p: number, from: number, to: number, vreg: number, visit: (owner: number, at: number) => boolean): boolean {
    const t = this.tables[p];
    if (!t) return false;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      const bucket = t[b];
      if (!bucket) continue;
      for (let k = 0; k < bucket.length; k += 4) {
        const f = bucket[k];
        const tt = bucket[k + 1];
        if (f < to && from < tt && bucket[k + 3] !== vreg) {
          if (visit(bucket[k + 2], f > from ? f : from)) return true;
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
    const t = this.tables[p];
    if (!t) return false;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      const bucket = t[b];
      if (!bucket) continue;
      for (let k = 0; k < bucket.length; k += 4) {
        const f = bucket[k];
        if (f < to && from < bucket[k + 1] && bucket[k + 3] !== vreg) {
          const owner = bucket[k + 2];
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
    const t = this.tables[p];
    if (!t) return false;
    for (let b = from >> SHIFT, e = (to - 1) >> SHIFT; b <= e; b++) {
      const bucket = t[b];
      if (!bucket) continue;
      for (let k = 0; k < bucket.length; k += 4) {
        if (bucket[k] < to && from < bucket[k + 1] && bucket[k + 3] !== vreg) return true;
      }
    }
    return false;
  }
}
