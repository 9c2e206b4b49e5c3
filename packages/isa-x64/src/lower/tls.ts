// Thread-local storage (`tls_value`) and the pinned register (`get_pinned_reg` /
// `set_pinned_reg`): values that live outside the function's own registers and memory.

import { type Inst, type Type, GET_PINNED_REG, I64, SET_PINNED_REG, TLS_VALUE, typeName } from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  AluOp, Reloc, Seg, aluRI, amBase, amBaseSym, amIndex, amSeg, amAbs, amSym, callInd, lea, load, movRR, r15, rax, rdi, rsi,
  tlsGd, xmm,
} from '../inst';
import { SYSV_CALLER_SAVED } from '../abi/sysv';
import { resultType, symbolName } from './rules';
import { VREG_BASE, type X64Lower } from './state';

/** The registers the general-dynamic sequence's `__tls_get_addr` call may overwrite, besides rax and rdi. */
const TLS_CALL_CLOBBERS = SYSV_CALLER_SAVED.filter((r) => r !== rax && r !== rdi);
/** The same in a Windows function, which allocates no xmm6-15 (its prologue saves them around the call instead). */
const TLS_CALL_CLOBBERS_WIN = TLS_CALL_CLOBBERS.filter((r) => r < xmm(6));
/** What the Mach-O descriptor's thunk may overwrite, taken as a System V call's (rdi included), besides rax. */
const TLV_CALL_CLOBBERS = SYSV_CALLER_SAVED.filter((r) => r !== rax);
const TLV_CALL_CLOBBERS_WIN = TLV_CALL_CLOBBERS.filter((r) => r < xmm(6));

/** The offset of ThreadLocalStoragePointer in the Windows x64 thread environment block (at gs:0). */
const TEB_TLS_POINTER = 0x58;
/** The image's TLS slot number, a 32-bit variable the loader fills (the MSVC/MinGW CRT defines it). */
const COFF_TLS_INDEX = '_tls_index';

/**
 * `tls_value`: the address of a thread-local symbol in the current thread, by `tls_model`:
 *
 * - `elf_gd`: the general-dynamic sequence of the ELF x86-64 TLS ABI (`lea rdi, [rip+sym@tlsgd];
 *   call __tls_get_addr@PLT`, padded to 16 bytes so the linker can relax it to the initial- or
 *   local-exec form), a System V call that leaves the address in rax.
 * - `macho`: `mov rdi, [rip+sym@tlvp]` loads the address of the variable's TLV descriptor
 *   (`X86_64_RELOC_TLV`); `call [rdi]` calls the thunk in its first word, which returns the
 *   address in rax.
 * - `coff`: the image's TLS block of this thread is `ThreadLocalStoragePointer[_tls_index]` (the
 *   TEB's array at gs:0x58), the variable at its `SECREL` offset in that block:
 *   `mov eax, [rip+_tls_index]; mov rcx, gs:0x58; mov rax, [rcx+rax*8]; lea rax, [rax+sym@secrel32]`
 *   (any registers, no call).
 *
 * Only ELF objects can be written (`@windlass/object` rejects the Mach-O and COFF relocations).
 */
function tlsValue(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (t !== I64) L.unsupported(`tls_value.${typeName(t)} (x86_64 addresses are i64)`);
  const g = f.globalValues[f.instImm0[inst]];
  if (g === undefined || g.kind !== 'symbol' || !g.tls) L.unsupported('tls_value of a global value that is not a `symbol tls`');
  const model = L.isaFlags.tlsModel ?? 'none';
  if (model !== 'elf_gd' && model !== 'macho' && model !== 'coff') {
    L.unsupported(`tls_value needs a TLS model (set tls_model=elf_gd, macho or coff); tls_model=${model}`);
  }
  const off = Number(g.offset);
  if (!Number.isSafeInteger(off) || off < -0x80000000 || off > 0x7fffffff) L.unsupported(`thread-local symbol offset ${g.offset} (must fit 32 bits)`);
  const sym = symbolName(g.name);
  if (model === 'coff') {
    // The symbol offset goes into the SECREL displacement.
    const index = L.tmp();
    const slots = L.tmp();
    const block = L.tmp();
    L.emit(load(4, index, amSym(COFF_TLS_INDEX)));
    L.emit(load(8, slots, amSeg(Seg.Gs, amAbs(TEB_TLS_POINTER))));
    L.emit(load(8, block, amIndex(slots, index, 3)));
    L.emit(lea(8, L.out(), amBaseSym(block, sym, off, Reloc.X86SecRel)));
    return true;
  }
  // A call under System V rules, also inside a Windows function (whose xmm6-15 it then saves).
  const windows = f.signature.callConv === 'windows_fastcall';
  if (windows) {
    // rsi and rdi are callee-saved under Windows but not for the TLS helpers; nor is xmm6-15.
    L.callsNonWindows = true;
    L.exceptionSaved.add(rsi);
    L.exceptionSaved.add(rdi);
  }
  const addr = off === 0 ? L.out() : L.tmp();
  if (model === 'macho') {
    // The thunk takes its descriptor in rdi.
    const desc = L.tmp();
    L.emit(load(8, desc, amSym(sym, 0, Reloc.MachOX86_64Tlv)));
    L.emitWith(callInd(amBase(rdi)), {
      fixedUses: [desc - VREG_BASE, rdi], fixedDefs: [addr - VREG_BASE, rax], clobbers: windows ? TLV_CALL_CLOBBERS_WIN : TLV_CALL_CLOBBERS,
    });
  } else {
    L.emitWith(tlsGd(sym), { fixedDefs: [addr - VREG_BASE, rax], clobbers: windows ? TLS_CALL_CLOBBERS_WIN : TLS_CALL_CLOBBERS });
  }
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
  r.add(TLS_VALUE, 'tls_value (elf_gd: __tls_get_addr; macho: TLV descriptor thunk; coff: gs:0x58[_tls_index] + SECREL)', tlsValue);
  r.add(GET_PINNED_REG, 'get_pinned_reg (r15)', getPinnedReg);
  r.add(SET_PINNED_REG, 'set_pinned_reg (r15)', setPinnedReg);
}
