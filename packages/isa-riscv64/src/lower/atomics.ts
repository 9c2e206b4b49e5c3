// Atomics with the A extension, all sequentially consistent: AMOs (amoadd, amoswap, amoand,
// amoor, amoxor, amomin[u], amomax[u], with aq and rl) for words and doublewords; LR/SC loops for
// nand, compare-and-swap, and every operation on a byte or halfword (done on its aligned word,
// the field masked in and out); fences around plain loads and stores.

import {
  type Inst, type Type, ATOMIC_CAS, ATOMIC_LOAD, ATOMIC_RMW, ATOMIC_STORE, ENDIAN_BIG, bytes, memEndianness,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { type MInst, amo, branch, fence, load, mk, rri, rrr, store } from '../inst/mod';
import * as O from '../inst/ops';
import { AmoOp } from '../inst/ops';
import { zero } from '../inst/regs';
import { type RvLower, isIntScalar } from './state';
import { SeqKind, registerSeq, seq, type SeqContext } from './seq';

/** CLIF atomic_rmw ops, by index (`ATOMIC_RMW_OPS`). */
const Rmw = { Add: 0, Sub: 1, And: 2, Nand: 3, Or: 4, Xor: 5, Xchg: 6, Umin: 7, Umax: 8, Smin: 9, Smax: 10 } as const;
const AMO_OF: (AmoOp | -1)[] = [AmoOp.Add, -1, AmoOp.And, -1, AmoOp.Or, AmoOp.Xor, AmoOp.Swap, AmoOp.Minu, AmoOp.Maxu, AmoOp.Min, AmoOp.Max];
const AQRL = 3;

function atomicType(L: RvLower, inst: Inst, resultOf: boolean): Type | null {
  const f = L.f;
  const t = (resultOf ? f.valueType[f.result(inst, 0)] : f.valueType[f.resolveAliases(f.arg(inst, 0))]) as Type;
  if (!isIntScalar(t)) return null;
  if (memEndianness(f.instImm0[inst]) === ENDIAN_BIG) L.unsupported('big-endian atomic access on riscv64 (a little-endian machine)');
  return t;
}

const LOADS = [O.LB, O.LH, -1, O.LW, -1, -1, -1, O.LD];
const STORES = [O.SB, O.SH, -1, O.SW, -1, -1, -1, O.SD];

function atomicLoad(L: RvLower, inst: Inst): boolean {
  const t = atomicType(L, inst, true);
  if (t === null) return false;
  L.emit(fence());
  L.emit(load(LOADS[bytes(t) - 1], L.out(), L.reg(L.f.arg(inst, 0)), 0));
  L.emit(fence());
  return true;
}

function atomicStore(L: RvLower, inst: Inst): boolean {
  const t = atomicType(L, inst, false);
  if (t === null) return false;
  L.emit(fence());
  L.emit(store(STORES[bytes(t) - 1], L.regOrZero(L.f.arg(inst, 0)), L.reg(L.f.arg(inst, 1)), 0));
  L.emit(fence());
  return true;
}

function atomicRmw(L: RvLower, inst: Inst): boolean {
  const t = atomicType(L, inst, true);
  if (t === null) return false;
  const f = L.f;
  const addr = L.reg(f.arg(inst, 0));
  const op = f.instImm1[inst];
  const n = bytes(t);
  if (n >= 4) {
    const width = n === 8 ? 3 : 2;
    let v = L.regOrZero(f.arg(inst, 1));
    let a = AMO_OF[op];
    if (op === Rmw.Sub) {
      const neg = L.tmp();
      L.emit(rrr(O.SUB, neg, zero, v));
      v = neg;
      a = AmoOp.Add;
    }
    if (a >= 0) {
      L.emit(amo((width === 3 ? O.AMO_D : O.AMO_W)[a], L.out(), addr, v, AQRL));
      return true;
    }
    // nand: an LR/SC loop.
    const i = seq(SeqKind.AtomicLoop, [], [L.tmp()]);
    i.rd = L.out();
    i.rs1 = addr;
    i.rs2 = v;
    i.aux = width;
    L.emit(i);
    return true;
  }
  // A byte or halfword: min/max compare the field extended as the operation reads it.
  const signed = op === Rmw.Smin || op === Rmw.Smax;
  const unsigned = op === Rmw.Umin || op === Rmw.Umax;
  const v = signed || unsigned ? L.extended(f.arg(inst, 1), t, signed) : L.regOrZero(f.arg(inst, 1));
  const temps = Array.from({ length: 7 }, () => L.tmp());
  const i = seq(SeqKind.AtomicSubword, [], temps);
  i.rd = L.out();
  i.rs1 = addr;
  i.rs2 = v;
  i.aux = op | (n << 8);
  L.emit(i);
  return true;
}

function atomicCas(L: RvLower, inst: Inst): boolean {
  const t = atomicType(L, inst, true);
  if (t === null) return false;
  const f = L.f;
  const addr = L.reg(f.arg(inst, 0));
  const n = bytes(t);
  if (n >= 4) {
    // lr.w sign-extends the word it reads: compare with the expected value sign-extended alike.
    const expected = L.extended(f.arg(inst, 1), t, true);
    const i = seq(SeqKind.AtomicCas, [], [L.tmp()]);
    i.rd = L.out();
    i.rs1 = addr;
    i.rs2 = expected;
    i.rs3 = L.regOrZero(f.arg(inst, 2));
    i.aux = n === 8 ? 3 : 2;
    L.emit(i);
    return true;
  }
  const expected = L.extended(f.arg(inst, 1), t, false);
  const temps = Array.from({ length: 6 }, () => L.tmp());
  const i = seq(SeqKind.AtomicCasSubword, [], temps);
  i.rd = L.out();
  i.rs1 = addr;
  i.rs2 = expected;
  i.rs3 = L.regOrZero(f.arg(inst, 2));
  i.aux = n;
  L.emit(i);
  return true;
}

// ------------------------------------------------------------------ expansions (after allocation)

function lr(width: number, rd: number, addr: number): MInst {
  const i = mk(width === 3 ? O.LR_D : O.LR_W);
  i.rd = rd;
  i.rs1 = addr;
  i.aux = AQRL;
  return i;
}
function sc(width: number, status: number, addr: number, value: number): MInst {
  return amo(width === 3 ? O.SC_D : O.SC_W, status, addr, value, AQRL);
}

/** aligned <- addr & ~3; shift <- (addr & 3) * 8; mask <- (2^(8n) - 1) << shift. */
function fieldSetup(c: SeqContext, addr: number, n: number, aligned: number, shift: number, mask: number): void {
  const { em } = c;
  em.put(rri(O.ANDI, aligned, addr, -4));
  em.put(rri(O.ANDI, shift, addr, 3));
  em.put(rri(O.SLLI, shift, shift, 3));
  if (n === 1) em.put(rri(O.ADDI, mask, zero, 255));
  else em.li(mask, 0xffff, 0);
  em.put(rrr(O.SLL, mask, mask, shift));
}

registerSeq(SeqKind.AtomicLoop, (i, c) => {
  const { em } = c;
  const t = i.more![0];
  const loop = c.newLabel();
  c.bind(loop);
  em.put(lr(i.aux, i.rd, i.rs1));
  em.put(rrr(O.AND, t, i.rd, i.rs2));
  em.put(rri(O.XORI, t, t, -1));
  em.put(sc(i.aux, t, i.rs1, t));
  em.put(branch(O.BNE, t, zero, loop));
});

registerSeq(SeqKind.AtomicSubword, (i, c) => {
  const { em } = c;
  const [aligned, shift, mask, oldw, nv, tmp, fe] = i.more!;
  const op = i.aux & 0xff;
  const n = i.aux >> 8;
  const v = i.rs2;
  fieldSetup(c, i.rs1, n, aligned, shift, mask);
  const loop = c.newLabel();
  c.bind(loop);
  em.put(lr(2, oldw, aligned));
  em.put(rrr(O.SRL, i.rd, oldw, shift));
  switch (op) {
    case Rmw.Add: em.put(rrr(O.ADD, nv, i.rd, v)); break;
    case Rmw.Sub: em.put(rrr(O.SUB, nv, i.rd, v)); break;
    case Rmw.And: em.put(rrr(O.AND, nv, i.rd, v)); break;
    case Rmw.Nand: em.put(rrr(O.AND, nv, i.rd, v)); em.put(rri(O.XORI, nv, nv, -1)); break;
    case Rmw.Or: em.put(rrr(O.OR, nv, i.rd, v)); break;
    case Rmw.Xor: em.put(rrr(O.XOR, nv, i.rd, v)); break;
    case Rmw.Xchg: em.put(rri(O.ADDI, nv, v, 0)); break;
    default: {
      // min/max: the field extended like v, then keep whichever wins.
      const signed = op === Rmw.Smin || op === Rmw.Smax;
      const up = 64 - 8 * n;
      em.put(rri(O.SLLI, fe, i.rd, up));
      em.put(rri(signed ? O.SRAI : O.SRLI, fe, fe, up));
      em.put(rri(O.ADDI, nv, fe, 0));
      const keep = c.newLabel();
      const min = op === Rmw.Smin || op === Rmw.Umin;
      // min: take v when v < field; max: when field < v.
      const cmp = signed ? O.BGE : O.BGEU;
      em.put(min ? branch(cmp, v, fe, keep) : branch(cmp, fe, v, keep));
      em.put(rri(O.ADDI, nv, v, 0));
      c.bind(keep);
    }
  }
  em.put(rrr(O.SLL, nv, nv, shift));
  em.put(rrr(O.AND, nv, nv, mask));
  em.put(rri(O.XORI, tmp, mask, -1));
  em.put(rrr(O.AND, tmp, tmp, oldw));
  em.put(rrr(O.OR, tmp, tmp, nv));
  em.put(sc(2, nv, aligned, tmp));
  em.put(branch(O.BNE, nv, zero, loop));
});

registerSeq(SeqKind.AtomicCas, (i, c) => {
  const { em } = c;
  const t = i.more![0];
  const loop = c.newLabel();
  const done = c.newLabel();
  c.bind(loop);
  em.put(lr(i.aux, i.rd, i.rs1));
  em.put(branch(O.BNE, i.rd, i.rs2, done));
  em.put(sc(i.aux, t, i.rs1, i.rs3));
  em.put(branch(O.BNE, t, zero, loop));
  c.bind(done);
});

registerSeq(SeqKind.AtomicCasSubword, (i, c) => {
  const { em } = c;
  const [aligned, shift, mask, oldw, fe, tmp] = i.more!;
  fieldSetup(c, i.rs1, i.aux, aligned, shift, mask);
  const loop = c.newLabel();
  const done = c.newLabel();
  c.bind(loop);
  em.put(lr(2, oldw, aligned));
  em.put(rrr(O.AND, fe, oldw, mask));
  em.put(rrr(O.SRL, fe, fe, shift));
  em.put(branch(O.BNE, fe, i.rs2, done));
  em.put(rrr(O.SLL, tmp, i.rs3, shift));
  em.put(rrr(O.AND, tmp, tmp, mask));
  em.put(rri(O.XORI, i.rd, mask, -1));
  em.put(rrr(O.AND, i.rd, i.rd, oldw));
  em.put(rrr(O.OR, tmp, tmp, i.rd));
  em.put(sc(2, i.rd, aligned, tmp));
  em.put(branch(O.BNE, i.rd, zero, loop));
  c.bind(done);
  em.put(rri(O.ADDI, i.rd, fe, 0));
});

export function lowerAtomicRules(r: RuleTable<RvLower>): void {
  r.add(ATOMIC_LOAD, 'atomic_load', atomicLoad);
  r.add(ATOMIC_STORE, 'atomic_store', atomicStore);
  r.add(ATOMIC_RMW, 'atomic_rmw', atomicRmw);
  r.add(ATOMIC_CAS, 'atomic_cas', atomicCas);
}

