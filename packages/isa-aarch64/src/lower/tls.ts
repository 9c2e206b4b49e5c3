// Thread-local storage: `tls_value` of a `symbol ... tls` global value.
//
//   tls_model=elf_gd   adrp x0, :tlsgd:sym; add x0, x0, :tlsgd_lo12:sym; bl __tls_get_addr; nop
//                      (the general-dynamic sequence the static linker relaxes to initial- or
//                      local-exec when it can: it expects exactly these registers and the nop)
//   tls_model=macho    adrp x0, sym@TLVPPAGE; ldr x0, [x0, sym@TLVPPAGEOFF]; ldr x1, [x0]; blr x1
//                      (the thread-local variable descriptor's getter returns the address in x0;
//                      the object writer, ELF only, rejects these relocations)
//
// Both are calls: the result arrives in x0 and every caller-saved register is clobbered.

import { type Inst, TLS_VALUE } from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { MInst, NO_REG, Op, VREG_BASE, xreg } from '../inst';
import { CALL_CLOBBERS } from '../abi/aapcs';
import { symbolName } from './names';
import type { A64Lower } from './state';

function tlsValue(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const g = f.globalValues[f.instImm0[inst]];
  if (g === undefined || g.kind !== 'symbol' || !g.tls) L.unsupported('tls_value of a global value that is not a thread-local symbol');
  const model = L.features.tlsModel;
  if (model !== 'elf_gd' && model !== 'macho') L.unsupported(`tls_value with tls_model=${model} on aarch64 (elf_gd and macho are supported)`);
  if (g.offset !== 0n) L.unsupported('tls_value of a thread-local symbol with an offset');
  const i = new MInst(Op.Tls, model === 'macho' ? 1 : 0, 1, NO_REG, NO_REG, NO_REG, NO_REG, 0, 0, 0, 0, -1, symbolName(g.name), -1);
  L.hasCalls = true;
  L.emit(i, { fixedDefs: [L.out() - VREG_BASE, xreg(0)], clobbers: CALL_CLOBBERS.filter((r) => r !== xreg(0)) });
  return true;
}

export function addTlsRules(r: RuleTable<A64Lower>): void {
  r.add(TLS_VALUE, 'tls_value', tlsValue);
}
