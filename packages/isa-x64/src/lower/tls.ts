// Thread-local storage (`tls_value`) and the pinned register (`get_pinned_reg` /
// `set_pinned_reg`): values that live outside the function's own registers and memory.

import { type Inst, type Type, GET_PINNED_REG, I64, SET_PINNED_REG, TLS_VALUE, typeName } from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { AluOp, aluRI, movRR, r15, rax, rdi, rsi, tlsGd, xmm } from '../inst';
import { SYSV_CALLER_SAVED } from '../abi/sysv';
import { resultType, symbolName } from './rules';
import { VREG_BASE, type X64Lower } from './state';

/** The registers the general-dynamic sequence's `__tls_get_addr` call may overwrite, besides rax and rdi. */
const TLS_CALL_CLOBBERS = SYSV_CALLER_SAVED.filter((r) => r !== rax && r !== rdi);
/** The same in a Windows function, which allocates no xmm6-15 (its prologue saves them around the call instead). */
const TLS_CALL_CLOBBERS_WIN = TLS_CALL_CLOBBERS.filter((r) => r < xmm(6));

/**
 * `tls_value`: the address of a thread-local symbol in the current thread. Under `tls_model=elf_gd`
 * it is the general-dynamic sequence of the ELF x86-64 TLS ABI (`lea rdi, [rip+sym@tlsgd]; call
 * __tls_get_addr@PLT`, padded to 16 bytes so the linker can relax it to the initial- or
 * local-exec form), a System V call that leaves the address in rax. The Mach-O and COFF models
 * need relocation kinds (Mach-O TLV, COFF section-relative) that the object model lacks.
 */
function tlsValue(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (t !== I64) L.unsupported(`tls_value.${typeName(t)} (x86_64 addresses are i64)`);
  const g = f.globalValues[f.instImm0[inst]];
  if (g === undefined || g.kind !== 'symbol' || !g.tls) L.unsupported('tls_value of a global value that is not a `symbol tls`');
  const model = L.isaFlags.tlsModel ?? 'none';
  switch (model) {
    case 'elf_gd': break;
    case 'macho':
      L.unsupported('tls_value under tls_model=macho: Mach-O thread-local variable relocations are not in the object model (ELF only: use tls_model=elf_gd)');
      break;
    case 'coff':
      L.unsupported('tls_value under tls_model=coff: COFF section-relative TLS relocations are not in the object model (ELF only: use tls_model=elf_gd)');
      break;
    default:
      L.unsupported(`tls_value needs a TLS model (set tls_model=elf_gd); tls_model=${model}`);
  }
  const off = Number(g.offset);
  if (!Number.isSafeInteger(off) || off < -0x80000000 || off > 0x7fffffff) L.unsupported(`thread-local symbol offset ${g.offset} (must fit 32 bits)`);
  // A call under System V rules, also inside a Windows function (whose xmm6-15 it then saves).
  const windows = f.signature.callConv === 'windows_fastcall';
  if (windows) {
    // rsi and rdi are callee-saved under Windows but not for __tls_get_addr; nor is xmm6-15.
    L.callsNonWindows = true;
    L.exceptionSaved.add(rsi);
    L.exceptionSaved.add(rdi);
  }
  const addr = off === 0 ? L.out() : L.tmp();
  L.emitWith(tlsGd(symbolName(g.name)), { fixedDefs: [addr - VREG_BASE, rax], clobbers: windows ? TLS_CALL_CLOBBERS_WIN : TLS_CALL_CLOBBERS });
  if (off !== 0) L.emitMod(aluRI(AluOp.Add, 8, L.out(), off), addr);
  return true;
}

function pinnedEnabled(L: X64Lower, what: string): void {
  if (!L.isaFlags.pinnedReg) L.unsupported(`${what} needs the pinned register (set enable_pinned_reg=true)`);
}

/** `get_pinned_reg`: a copy of r15 (which no function compiled with `enable_pinned_reg` allocates). */
function getPinnedReg(L: X64Lower, inst: Inst): boolean {
  pinnedEnabled(L, 'get_pinned_reg');
  const t = resultType(L, inst);
  if (t !== I64) L.unsupported(`get_pinned_reg.${typeName(t)} (the x86_64 pinned register is i64)`);
  L.emit(movRR(8, L.out(), r15));
  return true;
}

/** `set_pinned_reg`: r15 <- the value; r15 is not restored on return (it is shared by every function). */
function setPinnedReg(L: X64Lower, inst: Inst): boolean {
  pinnedEnabled(L, 'set_pinned_reg');
  const v = L.f.arg(inst, 0);
  const t = L.f.valueType[L.f.resolveAliases(v)] as Type;
  if (t !== I64) L.unsupported(`set_pinned_reg.${typeName(t)} (the x86_64 pinned register is i64)`);
  L.emit(movRR(8, r15, L.gpr(v)));
  return true;
}

export function lowerTlsRules(r: RuleTable<X64Lower>): void {
  r.add(TLS_VALUE, 'tls_value (elf_gd: __tls_get_addr)', tlsValue);
  r.add(GET_PINNED_REG, 'get_pinned_reg (r15)', getPinnedReg);
  r.add(SET_PINNED_REG, 'set_pinned_reg (r15)', setPinnedReg);
}
