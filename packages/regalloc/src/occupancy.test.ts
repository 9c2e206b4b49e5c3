// Occupancy against a plain list of intervals: random adds and removes (intervals longer than
// an instruction never overlapping each other in one register, as the allocator guarantees;
// short ones anywhere), and every query compared with a scan of the list.
import { describe, expect, it } from 'vitest';
import { Rng } from './generate';
import { FIXED_OWNER, NO_VREG, Occupancy } from './occupancy';

interface Iv { p: number; from: number; to: number; owner: number; vreg: number }

function model(list: Iv[], p: number, from: number, to: number, vreg: number): Iv[] {
  return list.filter((x) => x.p === p && x.from < to && from < x.to && x.vreg !== vreg);
}

describe('Occupancy', () => {
  it('answers like a plain interval list', () => {
    const rng = new Rng(11);
    for (let round = 0; round < 40; round++) {
      const occ = new Occupancy(3, 4000);
      const list: Iv[] = [];
      let nextOwner = 0;
      for (let step = 0; step < 600; step++) {
        const p = rng.int(3);
        const op = rng.int(10);
        if (op < 4) {
          // A long interval where no other long one of p is.
          const from = rng.int(3000);
          const to = from + 4 + rng.int(rng.chance(0.2) ? 900 : 40);
          if (list.some((x) => x.p === p && x.to - x.from > 3 && x.from < to && from < x.to)) continue;
          const iv = { p, from, to, owner: nextOwner++, vreg: rng.int(50) };
          occ.add(p, from, to, iv.owner, iv.vreg);
          list.push(iv);
        } else if (op < 7) {
          const from = rng.int(3000);
          const fixed = rng.chance(0.5);
          const iv = { p, from, to: from + 1 + rng.int(3), owner: fixed ? FIXED_OWNER : nextOwner++, vreg: rng.chance(0.2) ? NO_VREG : rng.int(50) };
          occ.add(p, iv.from, iv.to, iv.owner, iv.vreg);
          list.push(iv);
        } else if (op < 8 && list.length > 0) {
          const k = rng.int(list.length);
          const x = list[k];
          if (x.owner === FIXED_OWNER) continue;
          occ.remove(x.p, x.from, x.to, x.owner);
          list.splice(k, 1);
        } else {
          const from = rng.int(3100);
          const to = from + 1 + rng.int(rng.chance(0.3) ? 1200 : 12);
          const vreg = rng.chance(0.1) ? NO_VREG : rng.int(50);
          const want = model(list, p, from, to, vreg);
          expect(occ.busy(p, from, to, vreg)).toBe(want.length > 0);
          const weights = new Float64Array(nextOwner + 1).map((_, i) => (i * 7919) % 101);
          const acc = { max: 0, first: Infinity };
          occ.probe(p, from, to, vreg, weights, Infinity, acc);
          expect(acc.max).toBe(want.reduce((m, x) => Math.max(m, x.owner < 0 ? Infinity : weights[x.owner]), 0));
          expect(acc.first).toBe(want.reduce((m, x) => Math.min(m, Math.max(x.from, from)), Infinity));
          const seen: number[] = [];
          occ.conflicts(p, from, to, vreg, (owner) => {
            seen.push(owner);
            return false;
          });
          // An interval may be reported more than once (conflicts documents it): compare the sets.
          expect([...new Set(seen)].sort((a, b) => a - b)).toEqual([...new Set(want.map((x) => x.owner))].sort((a, b) => a - b));
        }
      }
      occ.release();
    }
  });
});
