// Merging bundles: the ranges and uses of a group of bundles kept as a few sorted runs.
//
// Bundles merge across moves and block parameters when their ranges never overlap. Merging
// the sorted lists of two bundles into one costs their total size, so a bundle that absorbs a
// thousand small ones (a loop header's parameter, passed from every case of a dispatch loop)
// was copied a thousand times. Here a group holds its triples as sorted runs whose sizes at
// least double from one to the next (a binary counter): absorbing a group appends its runs and
// merges neighbours of similar size, so each triple is copied O(log n) times in all; the
// overlap test binary-searches each run of the larger group for each range of the smaller one.
// A group's runs are merged into one list once, when every merge is decided.
//
// Triples live in the allocator's pools (`data` of a `TriplePool`): ranges (from, to, vreg),
// uses (point, operand, flags), both sorted by their first entry. New runs are appended there.

/** A growable Int32Array of triples (the allocator's range or use pool). */
export interface TriplePool {
  data: Int32Array;
  length: number;
  reserve(n: number): void;
}

const RUN_START = 0;
const RUN_LEN = 1;
const RUN_NEXT = 2;

/**
 * Sorted runs of triples, linked per group from the longest to the shortest. A run is
 * (start in its pool, length in triples, next run or -1).
 */
export class RunLists {
  runs = new Int32Array(3 * 256);
  numRuns = 0;
  /** Run ids of one normalization (a group has at most ~32 runs). */
  private readonly tmp: number[] = [];

  reset(): void {
    this.numRuns = 0;
  }

  /** A new single run `[start, start + len)` (triple indexes times 3); returns its id. */
  run(start: number, len: number): number {
    if (3 * this.numRuns === this.runs.length) {
      const n = new Int32Array(2 * this.runs.length);
      n.set(this.runs);
      this.runs = n;
    }
    const r = this.numRuns++;
    this.runs[3 * r + RUN_START] = start;
    this.runs[3 * r + RUN_LEN] = len;
    this.runs[3 * r + RUN_NEXT] = -1;
    return r;
  }

  start(r: number): number {
    return this.runs[3 * r + RUN_START];
  }
  len(r: number): number {
    return this.runs[3 * r + RUN_LEN];
  }
  next(r: number): number {
    return this.runs[3 * r + RUN_NEXT];
  }

  /**
   * Whether a range of list `a` overlaps one of list `b` (both lists of range runs in `pool`).
   * Iterates the shorter list's ranges and binary-searches every run of the other.
   */
  overlap(pool: TriplePool, a: number, aCount: number, b: number, bCount: number): boolean {
    if (aCount > bCount) {
      const t = a;
      a = b;
      b = t;
    }
    const d = pool.data;
    for (let ra = a; ra >= 0; ra = this.next(ra)) {
      for (let k = this.start(ra), e = k + 3 * this.len(ra); k < e; k += 3) {
        const from = d[k];
        const to = d[k + 1];
        for (let rb = b; rb >= 0; rb = this.next(rb)) {
          // The first range of rb ending after `from`: overlap iff it starts before `to`.
          let lo = 0;
          let hi = this.len(rb);
          const s = this.start(rb);
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (d[s + 3 * mid + 1] <= from) lo = mid + 1;
            else hi = mid;
          }
          if (lo < this.len(rb) && d[s + 3 * lo] < to) return true;
        }
      }
    }
    return false;
  }

  /**
   * The runs of lists `a` and `b` as one list, longest first, neighbours merged until each run
   * is more than twice as long as the next.
   */
  concat(pool: TriplePool, a: number, b: number): number {
    const tmp = this.tmp;
    let n = 0;
    for (let r = a; r >= 0; r = this.next(r)) tmp[n++] = r;
    for (let r = b; r >= 0; r = this.next(r)) tmp[n++] = r;
    // Insertion sort by length, longest first (a handful of runs).
    for (let i = 1; i < n; i++) {
      const r = tmp[i];
      let j = i - 1;
      while (j >= 0 && this.len(tmp[j]) < this.len(r)) {
        tmp[j + 1] = tmp[j];
        j--;
      }
      tmp[j + 1] = r;
    }
    // From the shortest end: merge a run into its longer neighbour while that is not more
    // than twice as long.
    let i = n - 1;
    while (i > 0) {
      if (this.len(tmp[i - 1]) > 2 * this.len(tmp[i])) {
        i--;
        continue;
      }
      const m = this.merge2(pool, tmp[i - 1], tmp[i]);
      n--;
      // Re-insert the merged run in length order among tmp[0, i - 1).
      let j = i - 1;
      while (j > 0 && this.len(tmp[j - 1]) < this.len(m)) {
        tmp[j] = tmp[j - 1];
        j--;
      }
      tmp[j] = m;
      for (let k = i; k < n; k++) tmp[k] = tmp[k + 1];
      i = n - 1;
    }
    for (let k = 0; k < n; k++) this.runs[3 * tmp[k] + RUN_NEXT] = k + 1 < n ? tmp[k + 1] : -1;
    return n > 0 ? tmp[0] : -1;
  }

  /** The triples of every run of list `head` merged into one run (the list's own if it has one). */
  flatten(pool: TriplePool, head: number): number {
    let r = head;
    while (r >= 0 && this.next(r) >= 0) {
      // Merge the two shortest (at the end of the list) until one run is left.
      let prev = -1;
      let x = r;
      while (this.next(this.next(x)) >= 0) {
        prev = x;
        x = this.next(x);
      }
      const m = this.merge2(pool, x, this.next(x));
      this.runs[3 * m + RUN_NEXT] = -1;
      if (prev < 0) r = m;
      else this.runs[3 * prev + RUN_NEXT] = m;
    }
    return r;
  }

  /** Appends the merge of runs `x` and `y` (by first entry; ties take `x`'s) to the pool. */
  private merge2(pool: TriplePool, x: number, y: number): number {
    const lx = this.len(x);
    const ly = this.len(y);
    const at = pool.length;
    pool.reserve(3 * (lx + ly));
    const d = pool.data;
    let i = this.start(x);
    const ie = i + 3 * lx;
    let j = this.start(y);
    const je = j + 3 * ly;
    let w = at;
    while (i < ie && j < je) {
      const k = d[i] <= d[j] ? i : j;
      d[w] = d[k];
      d[w + 1] = d[k + 1];
      d[w + 2] = d[k + 2];
      w += 3;
      if (k === i) i += 3;
      else j += 3;
    }
    for (; i < ie; i += 3, w += 3) {
      d[w] = d[i];
      d[w + 1] = d[i + 1];
      d[w + 2] = d[i + 2];
    }
    for (; j < je; j += 3, w += 3) {
      d[w] = d[j];
      d[w + 1] = d[j + 1];
      d[w + 2] = d[j + 2];
    }
    pool.length = w;
    return this.run(at, lx + ly);
  }
}
