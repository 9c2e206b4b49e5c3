// Thread-local storage (`tls_value`) and the pinned register (`get_pinned_reg` /
// `set_pinned_reg`): values that live outside the function's own registers and memory.
//
// `tls_value` with `tls_model=elf_gd` is the general-dynamic sequence of the RISC-V ELF psABI:
//   auipc a0, %tls_gd_pcrel_hi(sym)     R_RISCV_TLS_GD_HI20
//   addi  a0, a0, %pcrel_lo(.)          R_RISCV_PCREL_LO12_I
//   call  __tls_get_addr                R_RISCV_CALL_PLT
// a call of the C convention that returns the variable's address in a0.
//
// With `enable_pinned_reg`, s11 is the pinned register: never allocated, saved or restored.

import { type Inst, GET_PINNED_REG, I64, SET_PINNED_REG, TLS_VALUE, typeName } from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { Pseudo, pseudo, rri, rrr } from '../inst/mod';
import * as O from '../inst/ops';
import { a0 } from '../inst/regs';
import { CALLER_SAVED } from '../abi/abi';
import { symbolName } from './names';
import { type RvLower, VREG_BASE, resultType } from './state';

/** The pinned register (x27). */
export const PINNED_REG = 27;

function tlsValue(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (t !== I64) L.unsupported(`tls_value.${typeName(t)} (riscv64 addresses are i64)`);
  const g = f.globalValues[f.instImm0[inst]];
  if (g === undefined || g.kind !== 'symbol' || !g.tls) L.unsupported('tls_value of a global value that is not a `symbol tls`');
  if (L.isa.tlsModel !== 'elf_gd') L.unsupported(`tls_value needs tls_model=elf_gd on riscv64; tls_model=${L.isa.tlsModel}`);
  const off = Number(g.offset);
  if (!Number.isSafeInteger(off) || off < -0x80000000 || off > 0x7fffffff) L.unsupported(`thread-local symbol offset ${g.offset} (must fit 32 bits)`);
  const i = pseudo(Pseudo.TlsGd);
  i.sym = symbolName(g.name);
  L.hasCalls = true;
  const addr = off === 0 ? L.out() : L.tmp();
  L.emit(i, { fixedDefs: [addr - VREG_BASE, a0], clobbers: CALLER_SAVED.filter((r) => r !== a0) });
  if (off !== 0) {
    if (off >= -2048 && off <= 2047) L.emit(rri(O.ADDI, L.out(), addr, off));
    else L.emit(rrr(O.ADD, L.out(), addr, L.constReg(off, off >> 31)));
  }
  return true;
}

function getPinned(L: RvLower): boolean {
  if (!L.isa.pinnedReg) L.unsupported('get_pinned_reg without enable_pinned_reg');
  L.move(L.out(), PINNED_REG);
  return true;
}

function setPinned(L: RvLower, inst: Inst): boolean {
  if (!L.isa.pinnedReg) L.unsupported('set_pinned_reg without enable_pinned_reg');
  L.emit(rri(O.ADDI, PINNED_REG, L.reg(L.f.arg(inst, 0)), 0));
  return true;
}

export function lowerTlsRules(r: RuleTable<RvLower>): void {
  r.add(TLS_VALUE, 'tls_value', tlsValue);
  r.add(GET_PINNED_REG, 'get_pinned_reg', getPinned);
  r.add(SET_PINNED_REG, 'set_pinned_reg', setPinned);
}
