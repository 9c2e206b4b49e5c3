// The SSA builder's "value of variable v at the end of block b" table.
//
// It is read on every variable use and on every step of a predecessor walk, so it is a flat
// Int32Array indexed by block * stride + variable (NONE = no definition) while that stays
// small; a function with both very many variables and very many blocks falls back to one Map
// keyed the same way, which costs memory only for the pairs actually defined. The dense form
// stores value + 1, so a fresh (zeroed) table needs no filling.

import { NONE, type Value } from '../entities';

/** Largest dense table, in entries (16 MB). */
const DENSE_LIMIT = 1 << 22;
/** Key stride of the sparse form: variables are numbered below this. */
const SPARSE_STRIDE = 2 ** 24;

export class DefTable {
  private stride = 8;
  private blocks = 0;
  private dense: Int32Array | undefined = new Int32Array(0);
  private sparse: Map<number, Value> | undefined;

  /** Room for variables numbered below `n`. */
  ensureVars(n: number): void {
    if (n <= this.stride) return;
    let stride = this.stride;
    while (stride < n) stride *= 2;
    const old = this.dense;
    if (old === undefined) {
      if (n > SPARSE_STRIDE) throw new RangeError(`more than ${SPARSE_STRIDE} variables`);
      return;
    }
    if (stride * this.blocks > DENSE_LIMIT) {
      this.toSparse();
      this.stride = stride;
      return;
    }
    const next = new Int32Array(stride * this.blocks);
    for (let b = 0; b < this.blocks; b++) next.set(old.subarray(b * this.stride, (b + 1) * this.stride), b * stride);
    this.dense = next;
    this.stride = stride;
  }

  /** Room for blocks numbered below `n`. */
  ensureBlocks(n: number): void {
    if (n <= this.blocks) return;
    const old = this.dense;
    if (old === undefined) {
      this.blocks = n;
      return;
    }
    if (n * this.stride <= old.length) {
      this.blocks = n;
      return;
    }
    let cap = Math.max(16, (old.length / this.stride) * 2);
    while (cap < n) cap *= 2;
    if (cap * this.stride > DENSE_LIMIT) {
      this.toSparse();
      this.blocks = n;
      return;
    }
    const next = new Int32Array(cap * this.stride);
    next.set(old);
    this.dense = next;
    this.blocks = n;
  }

  /** The definition of `variable` in `b`, or NONE. */
  get(b: number, variable: number): Value | -1 {
    const d = this.dense;
    if (d !== undefined) return (d[b * this.stride + variable] - 1) as Value | -1;
    const v = (this.sparse as Map<number, Value>).get(b * SPARSE_STRIDE + variable);
    return v === undefined ? NONE : v;
  }

  set(b: number, variable: number, value: Value): void {
    const d = this.dense;
    if (d !== undefined) d[b * this.stride + variable] = value + 1;
    else (this.sparse as Map<number, Value>).set(b * SPARSE_STRIDE + variable, value);
  }

  private toSparse(): void {
    const d = this.dense as Int32Array;
    const m = new Map<number, Value>();
    for (let b = 0; b < this.blocks; b++) {
      for (let v = 0; v < this.stride; v++) {
        const x = d[b * this.stride + v];
        if (x !== 0) m.set(b * SPARSE_STRIDE + v, (x - 1) as Value);
      }
    }
    this.dense = undefined;
    this.sparse = m;
  }
}
