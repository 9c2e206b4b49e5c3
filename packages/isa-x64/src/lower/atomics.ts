// Atomics: x86-64 is TSO, so atomic loads are plain loads and seq-cst stores use `xchg`;
// add/sub/xchg have single locked instructions, the other read-modify-write ops a
// `lock cmpxchg` loop (a pseudo-instruction expanded after allocation).

import {
  type Inst, type Type, ATOMIC_CAS, ATOMIC_LOAD, ATOMIC_RMW, ATOMIC_STORE, ENDIAN_BIG, I16, I32, I64, I8, bytes, memEndianness,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  type MInst, AluOp, CC, MInst as MInstClass, NO_REG, type OperandSize, UnaryOp, aluRM, amBase, cmov, cmpxchg, jcc,
  load, movRR, movzx, rax, unary, xadd, xchg, CC as CCs, Reloc,
} from '../inst';
import { PseudoOp, VREG_BASE, type X64Lower } from './state';

const raw = (r: number): number => r - VREG_BASE;
const isInt = (t: Type): boolean => t === I8 || t === I16 || t === I32 || t === I64;
/** x86 has no byte-swapping atomics: a big-endian one stays unsupported instead of silently little-endian. */
const bigEndian = (L: X64Lower, inst: Inst, t: Type): boolean => bytes(t) > 1 && memEndianness(L.f.instImm0[inst]) === ENDIAN_BIG;

function atomicLoad(L: X64Lower, inst: Inst): boolean {
  const t = L.f.valueType[L.f.result(inst, 0)] as Type;
  if (!isInt(t) || bigEndian(L, inst, t)) return false;
  const a = amBase(L.gpr(L.f.arg(inst, 0)), 0);
  const size = bytes(t);
  L.emit(size >= 4 ? load(size as 4 | 8, L.out(), a) : movzx(size as 1 | 2, 4, L.out(), a));
  return true;
}

function atomicStore(L: X64Lower, inst: Inst): boolean {
  const v = L.f.arg(inst, 0);
  const t = L.f.valueType[L.f.resolveAliases(v)] as Type;
  if (!isInt(t) || bigEndian(L, inst, t)) return false;
  const a = amBase(L.gpr(L.f.arg(inst, 1)), 0);
  L.emitMod(xchg(bytes(t) as OperandSize, a, L.tmp()), L.gpr(v));
  return true;
}

function atomicCas(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = f.valueType[f.result(inst, 0)] as Type;
  if (!isInt(t) || bigEndian(L, inst, t)) return false;
  const a = amBase(L.gpr(f.arg(inst, 0)), 0);
  const expected = L.gpr(f.arg(inst, 1));
  const repl = L.gpr(f.arg(inst, 2));
  L.emitWith(cmpxchg(bytes(t) as OperandSize, a, repl), { fixedUses: [raw(expected), rax], fixedDefs: [raw(L.out()), rax] });
  return true;
}

function atomicRmw(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = f.valueType[f.result(inst, 0)] as Type;
  if (!isInt(t) || bigEndian(L, inst, t)) return false;
  const size = bytes(t) as OperandSize;
  const addr = L.gpr(f.arg(inst, 0));
  const val = L.gpr(f.arg(inst, 1));
  const op = f.instImm1[inst];
  switch (op) {
    case 0: // add
      L.emitMod(xadd(size, amBase(addr, 0), L.out()), val);
      return true;
    case 1: { // sub: add the negation
      const n = L.tmp();
      L.emitMod(unary(UnaryOp.Neg, size < 4 ? 4 : size, n), val);
      L.emitMod(xadd(size, amBase(addr, 0), L.out()), n);
      return true;
    }
    case 6: // xchg
      L.emitMod(xchg(size, amBase(addr, 0), L.out()), val);
      return true;
  }
  const p = new MInstClass(PseudoOp.AtomicRmwLoop as never, size, op, L.tmp(), addr, val, null, 0, 0, CC.O, -1, null, 0, 0, -1, null);
  L.emitWith(p, { fixedDefs: [raw(L.out()), rax], earlyFixedDefs: true });
  return true;
}

/**
 * Expands an AtomicRmwLoop (registers allocated) into real instructions. `label` returns fresh
 * internal labels; `bind` binds one at the current position.
 */
export function expandAtomicLoop(p: MInst, label: () => number, bind: (l: number) => void, put: (i: MInst) => void): void {
  const size = p.size;
  const mem = () => amBase(p.src, 0);
  const t = p.dst;
  const v = p.src2;
  const wide: OperandSize = size < 4 ? 4 : size;
  put(size >= 4 ? load(size, rax, mem()) : movzx(size as 1 | 2, 4, rax, mem()));
  const top = label();
  bind(top);
  switch (p.sub) {
    case 2: put(movRR(8, t, rax)); put(aluRM(AluOp.And, wide, t, v)); break;
    case 3: put(movRR(8, t, rax)); put(aluRM(AluOp.And, wide, t, v)); put(unary(UnaryOp.Not, wide, t)); break;
    case 4: put(movRR(8, t, rax)); put(aluRM(AluOp.Or, wide, t, v)); break;
    case 5: put(movRR(8, t, rax)); put(aluRM(AluOp.Xor, wide, t, v)); break;
    default: {
      // min/max: t = (rax is the answer) ? rax : v
      const cc = p.sub === 7 ? CCs.B : p.sub === 8 ? CCs.A : p.sub === 9 ? CCs.L : CCs.G;
      put(movRR(8, t, v));
      put(aluRM(AluOp.Cmp, size, rax, v));
      put(cmov(cc, wide, t, rax));
    }
  }
  put(cmpxchg(size, mem(), t));
  put(jcc(CC.NE, top));
}

export function lowerAtomicRules(r: RuleTable<X64Lower>): void {
  r.add(ATOMIC_LOAD, 'atomic_load mov', atomicLoad);
  r.add(ATOMIC_STORE, 'atomic_store xchg', atomicStore);
  r.add(ATOMIC_CAS, 'lock cmpxchg', atomicCas);
  r.add(ATOMIC_RMW, 'atomic_rmw', atomicRmw);
}

export { NO_REG, Reloc };
