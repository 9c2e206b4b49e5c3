// Sums and differences as linear combinations: a tree of `iadd`, `isub`, `ineg` (and `iconst`
// leaves) over integers modulo 2^w is a ring expression, so it equals the sum of its leaves
// with integer coefficients plus a constant. When that normal form needs fewer instructions
// than the tree, the tree's root is rebuilt from it: `(x + y) - y` is `x`, `(x + y) - (x + z)`
// is `y - z`, `x - (x + y)` is `-y`, `a + (b + (c - a))` is `b + c`.

import { type Function, type Inst, type Opcode, type Type, type Value, ValueKind, NONE, IADD, ISUB, INEG, ICONST, IADD_IMM } from '@windlass/ir';
import { intWidth, makeConstBefore } from './simplify';

/** At most this many add/sub/neg nodes are looked through from one root. */
const MAX_NODES = 8;

interface Terms {
  /** Leaf value -> coefficient (modulo 2^w, as a bigint kept signed-small when possible). */
  coef: Map<Value, bigint>;
  constant: bigint;
  nodes: number;
}

function defIn(f: Function, v: Value): number {
  if (f.valueKind[v] !== ValueKind.Result) return NONE;
  const d = f.valueDef[v];
  return f.instBlock[d] === NONE ? NONE : d;
}

function collect(f: Function, v: Value, sign: bigint, t: Terms, w: number, root: boolean): void {
  const d = defIn(f, v);
  const op = d === NONE ? -1 : f.instOpcode[d];
  if (op === ICONST && intWidth(f.valueType[v]) === w) {
    t.constant += sign * f.imm64(d as Inst);
    return;
  }
  const linear = op === IADD || op === ISUB || op === INEG || op === IADD_IMM;
  if (!linear || f.valueType[v] !== f.valueType[f.pool[f.instArgOff[d]] as Value] || (!root && t.nodes >= MAX_NODES)) {
    t.coef.set(v, (t.coef.get(v) ?? 0n) + sign);
    return;
  }
  t.nodes++;
  const a = f.pool[f.instArgOff[d]] as Value;
  if (op === INEG) return collect(f, a, -sign, t, w, false);
  collect(f, a, sign, t, w, false);
  if (op === IADD_IMM) {
    t.constant += sign * f.imm64(d as Inst);
    return;
  }
  collect(f, f.pool[f.instArgOff[d] + 1] as Value, op === IADD ? sign : -sign, t, w, false);
}

/**
 * Rewrites the add/sub/neg tree rooted at `i` into its linear normal form when that is
 * cheaper. Returns 0 (nothing), 1 (rewritten in place), 2 (replaced by an existing value).
 */
export function normalizeLinear(f: Function, i: Inst, replaceWith: (v: Value) => number): number {
  const res = f.result(i, 0);
  const rt = f.valueType[res] as Type;
  const w = intWidth(rt);
  if (w === 0) return 0;
  const t: Terms = { coef: new Map(), constant: 0n, nodes: 0 };
  collect(f, res, 1n, t, w, true);
  if (t.nodes < 2) return 0;
  const m = (1n << BigInt(w)) - 1n;
  const pos: Value[] = [];
  const neg: Value[] = [];
  for (const [v, c0] of t.coef) {
    const c = c0 & m;
    if (c === 0n) continue;
    if (c === 1n) pos.push(v);
    else if (c === m) neg.push(v);
    else return 0; // x + x and the like: not a sum of +-1 terms
  }
  const k = t.constant & m;
  // Instructions of the normal form: one per extra term, a negation when nothing is positive,
  // and an iconst plus an add for a constant.
  const terms = pos.length + neg.length;
  let cost = Math.max(0, terms - 1) + (pos.length === 0 && neg.length > 0 ? 1 : 0) + (k !== 0n ? (terms === 0 ? 1 : 2) : 0);
  if (terms === 0 && k === 0n) cost = 1;
  if (cost >= t.nodes) return 0;
  if (terms === 1 && pos.length === 1 && k === 0n) return replaceWith(pos[0]);
  // Build: sum of positives, minus each negative, plus the constant; the last step reuses `i`.
  const steps: { op: Opcode; a: Value | null; b: Value | bigint }[] = [];
  let acc: Value | null = pos.length ? pos[0] : null;
  const emit = (op: Opcode, a: Value | null, b: Value | bigint): void => {
    steps.push({ op, a, b });
  };
  if (acc === null && neg.length > 0) {
    emit(INEG, neg[0], 0n);
    neg.shift();
  }
  for (const p of pos.slice(1)) emit(IADD, null, p);
  for (const n of neg) emit(ISUB, null, n);
  if (k !== 0n && terms > 0) emit(IADD, null, k);
  if (terms === 0) {
    // Only a constant: i becomes it.
    f.instOpcode[i] = ICONST;
    f.instArgLen[i] = 0;
    f.instImm0[i] = 0;
    f.setImm64(i, BigInt.asIntN(w, k));
    return 1;
  }
  steps.forEach((s, n) => {
    const last = n === steps.length - 1;
    const b = typeof s.b === 'bigint' ? (s.op === INEG ? null : makeConstBefore(f, rt, s.b, i)) : s.b;
    const a = s.a ?? acc!;
    const args = s.op === INEG ? [a] : [a, b as Value];
    if (last) {
      f.instOpcode[i] = s.op;
      f.instType[i] = rt;
      f.setArgs(i, args);
      acc = res;
    } else {
      const j = f.makeInst(s.op, rt, args);
      acc = f.makeResult1(j, rt);
      f.setSrcLoc(j, f.srcLoc(i));
      f.insertInstBefore(j, i);
    }
  });
  return 1;
}
