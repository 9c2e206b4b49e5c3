// Run lists (merge.ts): groups of sorted triples merged like a binary counter must hold exactly
// the sorted union of their members, and the overlap test must agree with a plain scan.
import { describe, expect, it } from 'vitest';
import { RunLists, type TriplePool } from './merge';
import { Rng } from './generate';

function pool(): TriplePool {
  return {
    data: new Int32Array(16),
    length: 0,
    reserve(n: number): void {
      if (this.length + n <= this.data.length) return;
      const next = new Int32Array(Math.max(2 * this.data.length, this.length + n));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    },
  };
}

/** Appends sorted disjoint ranges (from, to, id) and returns their run. */
function addRanges(p: TriplePool, runs: RunLists, ranges: [number, number][], id: number): number {
  const at = p.length;
  p.reserve(3 * ranges.length);
  for (const [f, t] of ranges) {
    p.data[p.length++] = f;
    p.data[p.length++] = t;
    p.data[p.length++] = id;
  }
  return runs.run(at, ranges.length);
}

function triples(p: TriplePool, runs: RunLists, head: number): number[][] {
  const out: number[][] = [];
  for (let r = head; r >= 0; r = runs.next(r)) {
    for (let k = runs.start(r); k < runs.start(r) + 3 * runs.len(r); k += 3) out.push([p.data[k], p.data[k + 1], p.data[k + 2]]);
  }
  return out;
}

describe('RunLists', () => {
  it('merges a thousand single-range groups into one, copying each triple a few times only', () => {
    const p = pool();
    const runs = new RunLists();
    let head = addRanges(p, runs, [[0, 2]], 0);
    for (let i = 1; i < 1000; i++) {
      const other = addRanges(p, runs, [[4 * i, 4 * i + 2]], i);
      expect(runs.overlap(p, head, i, other, 1)).toBe(false);
      head = runs.concat(p, head, other);
    }
    // Longest first, each more than twice the next: a binary counter of 1000 has few runs.
    const lens: number[] = [];
    for (let r = head; r >= 0; r = runs.next(r)) lens.push(runs.len(r));
    for (let k = 1; k < lens.length; k++) expect(lens[k - 1]).toBeGreaterThan(2 * lens[k]);
    expect(lens.reduce((a, b) => a + b, 0)).toBe(1000);
    // Every triple was copied O(log n) times: the pool is far smaller than the quadratic 500k.
    expect(p.length / 3).toBeLessThan(1000 * 12);
    const flat = runs.flatten(p, head);
    expect(runs.next(flat)).toBe(-1);
    expect(triples(p, runs, flat)).toEqual(Array.from({ length: 1000 }, (_, i) => [4 * i, 4 * i + 2, i]));
  });

  it('agrees with a plain scan on random groups', () => {
    const rng = new Rng(7);
    for (let round = 0; round < 300; round++) {
      const p = pool();
      const runs = new RunLists();
      // Disjoint ranges on a line, dealt out to a few groups.
      const groups: [number, number][][] = [[], [], [], []];
      let at = 0;
      for (let k = 0; k < 40; k++) {
        at += rng.int(3);
        const len = 1 + rng.int(4);
        groups[rng.int(4)].push([at, at + len]);
        at += len;
      }
      const heads = groups.map((g, id) => (g.length ? addRanges(p, runs, g, id) : -1));
      const counts = groups.map((g) => g.length);
      // A range that overlaps group 0's first one, when it has one.
      const probe = groups[0].length ? addRanges(p, runs, [[groups[0][0][0], groups[0][0][1]]], 9) : -1;
      if (probe >= 0) expect(runs.overlap(p, heads[0], counts[0], probe, 1)).toBe(true);
      let merged = -1;
      let count = 0;
      for (let id = 0; id < 4; id++) {
        if (heads[id] < 0) continue;
        if (merged >= 0) {
          expect(runs.overlap(p, merged, count, heads[id], counts[id])).toBe(false);
          merged = runs.concat(p, merged, heads[id]);
        } else merged = heads[id];
        count += counts[id];
      }
      if (merged < 0) continue;
      const want = groups.flatMap((g, id) => g.map(([f, t]) => [f, t, id])).sort((a, b) => a[0] - b[0]);
      expect(triples(p, runs, runs.flatten(p, merged))).toEqual(want);
    }
  });
});
