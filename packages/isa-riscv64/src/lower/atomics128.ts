// 128-bit atomics. RV64 has no 128-bit LR/SC (and qemu 7.2 no Zacas), so like GCC the backend
// calls libatomic (`-latomic`), whose `__atomic_*_16` functions serialize every 16-byte access
// to one address through the same lock, so the code agrees with C code on the same memory:
//
//   atomic_load / atomic_store     __atomic_load_16 / __atomic_store_16
//   atomic_rmw add sub and nand    __atomic_fetch_<op>_16
//              or xor, xchg        __atomic_exchange_16
//   atomic_cas                     __atomic_compare_exchange_16, the expected value in a slot
//   atomic_rmw umin umax smin smax a compare-exchange loop (below): libatomic has no min / max
//
// All with memory order seq_cst (5), as CLIF atomics are sequentially consistent.

import { type Inst, type Type, ATOMIC_CAS, ATOMIC_LOAD, ATOMIC_RMW, ATOMIC_STORE, ENDIAN_BIG, I128, memEndianness } from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { Pseudo, branch, jump, load, mv, pseudo, rri, rrr, store } from '../inst/mod';
import * as O from '../inst/ops';
import { a0, a1, a2, sp, t5, zero } from '../inst/regs';
import { CALLER_SAVED } from '../abi/abi';
import { libcall } from './libcall';
import { SeqKind, registerSeq, seq } from './seq';
import { type RvLower, VREG_BASE } from './state';

const SEQ_CST = 5;
const Rmw = { Umin: 7, Umax: 8, Smin: 9, Smax: 10 } as const;
const FETCH_NAMES = ['add', 'sub', 'and', 'nand', 'or', 'xor'];

function isI128(L: RvLower, inst: Inst, t: Type): boolean {
  if (t !== I128) return false;
  if (memEndianness(L.f.instImm0[inst]) === ENDIAN_BIG) L.unsupported('big-endian atomic access on riscv64 (a little-endian machine)');
  L.hasCalls = true;
  return true;
}

function load128(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  if (!isI128(L, inst, f.valueType[f.result(inst, 0)] as Type)) return false;
  const [lo, hi] = L.outPair();
  libcall(L, '__atomic_load_16', [L.reg(f.arg(inst, 0)), L.constReg(SEQ_CST, 0)], [], { ints: [lo, hi] });
  return true;
}

function store128(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  if (!isI128(L, inst, f.valueType[f.resolveAliases(f.arg(inst, 0))] as Type)) return false;
  const [lo, hi] = L.pair(f.arg(inst, 0));
  libcall(L, '__atomic_store_16', [L.reg(f.arg(inst, 1)), lo, hi, L.constReg(SEQ_CST, 0)], [], {});
  return true;
}

function rmw128(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  if (!isI128(L, inst, f.valueType[f.result(inst, 0)] as Type)) return false;
  const op = f.instImm1[inst];
  const addr = L.reg(f.arg(inst, 0));
  const [vlo, vhi] = L.pair(f.arg(inst, 1));
  const [lo, hi] = L.outPair();
  if (op < Rmw.Umin) {
    const name = op < FETCH_NAMES.length ? `__atomic_fetch_${FETCH_NAMES[op]}_16` : '__atomic_exchange_16';
    libcall(L, name, [addr, vlo, vhi, L.constReg(SEQ_CST, 0)], [], { ints: [lo, hi] });
    return true;
  }
  const i = seq(SeqKind.AtomicMinMax128);
  i.rd = -1;
  i.rs1 = addr;
  i.rs2 = vlo;
  i.rs3 = vhi;
  i.aux = op;
  L.emit(i, { fixedDefs: [lo - VREG_BASE, a0, hi - VREG_BASE, a1], clobbers: CALLER_SAVED.filter((r) => r !== a0 && r !== a1) });
  return true;
}

function cas128(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  if (!isI128(L, inst, f.valueType[f.result(inst, 0)] as Type)) return false;
  const addr = L.reg(f.arg(inst, 0));
  const [elo, ehi] = L.pair(f.arg(inst, 1));
  const [rlo, rhi] = L.pair(f.arg(inst, 2));
  // The expected value in a slot: libatomic overwrites it with the current value on failure,
  // so afterwards it holds the old value either way.
  const slot = L.slotArea.addArea(16);
  L.emit(L.slotInst(store(O.SD, elo, sp, 0), slot, 0));
  L.emit(L.slotInst(store(O.SD, ehi, sp, 0), slot, 8));
  const expected = L.tmp();
  L.slotAddr(expected, slot, 0);
  const five = L.constReg(SEQ_CST, 0);
  libcall(L, '__atomic_compare_exchange_16', [addr, expected, rlo, rhi, five, five], [], {});
  const [lo, hi] = L.outPair();
  L.emit(L.slotInst(load(O.LD, lo, sp, 0), slot, 0));
  L.emit(L.slotInst(load(O.LD, hi, sp, 0), slot, 8));
  return true;
}

/**
 * umin / umax / smin / smax: a loop around __atomic_compare_exchange_16 with its values in 48
 * bytes below the stack pointer (every caller-saved register dies at each call):
 *
 *   addi sp, sp, -48; sd addr, 16(sp); sd vlo, 24(sp); sd vhi, 32(sp)
 *   ld a0, 16(sp); li a1, 5; call __atomic_load_16; sd a0, 0(sp); sd a1, 8(sp)
 * loop:
 *   ld a2, 0(sp); ld a3, 8(sp); ld a4, 24(sp); ld a5, 32(sp)   old in a2:a3, operand in a4:a5
 *   t5 <- old < operand (128-bit, signed by the high halves for smin / smax)
 *   (min: keep old when t5, max: keep old unless t5; otherwise a2:a3 <- a4:a5)
 *   ld a0, 16(sp); mv a1, sp; li a4, 5; li a5, 5; call __atomic_compare_exchange_16
 *   beqz a0, loop          (on failure libatomic stored the current value at 0(sp))
 *   ld a0, 0(sp); ld a1, 8(sp); addi sp, sp, 48
 */
registerSeq(SeqKind.AtomicMinMax128, (i, c) => {
  const { em } = c;
  const a3 = a2 + 1;
  const a4 = a2 + 2;
  const a5 = a2 + 3;
  const op = i.aux;
  const call = (name: string): void => {
    const k = pseudo(Pseudo.Call);
    k.sym = name;
    em.put(k);
  };
  em.put(rri(O.ADDI, sp, sp, -48));
  em.put(store(O.SD, i.rs1, sp, 16));
  em.put(store(O.SD, i.rs2, sp, 24));
  em.put(store(O.SD, i.rs3, sp, 32));
  em.put(load(O.LD, a0, sp, 16));
  em.put(rri(O.ADDI, a1, zero, SEQ_CST));
  call('__atomic_load_16');
  em.put(store(O.SD, a0, sp, 0));
  em.put(store(O.SD, a1, sp, 8));
  const loop = c.newLabel();
  const lowHalf = c.newLabel();
  const decided = c.newLabel();
  const keep = c.newLabel();
  c.bind(loop);
  em.put(load(O.LD, a2, sp, 0));
  em.put(load(O.LD, a3, sp, 8));
  em.put(load(O.LD, a4, sp, 24));
  em.put(load(O.LD, a5, sp, 32));
  em.put(branch(O.BEQ, a3, a5, lowHalf));
  em.put(rrr(op === Rmw.Smin || op === Rmw.Smax ? O.SLT : O.SLTU, t5, a3, a5));
  em.put(jump(decided));
  c.bind(lowHalf);
  em.put(rrr(O.SLTU, t5, a2, a4));
  c.bind(decided);
  em.put(branch(op === Rmw.Umin || op === Rmw.Smin ? O.BNE : O.BEQ, t5, zero, keep));
  em.put(mv(a2, a4));
  em.put(mv(a3, a5));
  c.bind(keep);
  em.put(load(O.LD, a0, sp, 16));
  em.put(mv(a1, sp));
  em.put(rri(O.ADDI, a4, zero, SEQ_CST));
  em.put(rri(O.ADDI, a5, zero, SEQ_CST));
  call('__atomic_compare_exchange_16');
  em.put(branch(O.BEQ, a0, zero, loop));
  em.put(load(O.LD, a0, sp, 0));
  em.put(load(O.LD, a1, sp, 8));
  em.put(rri(O.ADDI, sp, sp, 48));
});

export function lowerAtomic128Rules(r: RuleTable<RvLower>): void {
  r.add(ATOMIC_LOAD, 'atomic_load.i128 (libatomic)', load128);
  r.add(ATOMIC_STORE, 'atomic_store.i128 (libatomic)', store128);
  r.add(ATOMIC_RMW, 'atomic_rmw.i128 (libatomic)', rmw128);
  r.add(ATOMIC_CAS, 'atomic_cas.i128 (libatomic)', cas128);
}
