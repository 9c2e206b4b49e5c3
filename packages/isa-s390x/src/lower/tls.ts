// `tls_value` under the ELF general-dynamic model (the only one `tls_model` offers on ELF):
//
//   larl  %r12, _GLOBAL_OFFSET_TABLE_        ; __tls_get_offset wants the GOT in %r12
//   bras  %r1, .+12                          ; skip the literal, its address in %r1
//   .quad sym@TLSGD                          ; R_390_TLS_GD64
//   lg    %r2, 0(%r1)
//   brasl %r14, __tls_get_offset@PLT         ; R_390_PLT32DBL + R_390_TLS_GDCALL
//   ear   %r3, %a0 ; sllg %r3, %r3, 32 ; ear %r3, %a1   ; the thread pointer
//   agr   %r2, %r3
//
// One pseudo-instruction (expanded by the frame code); to the allocator it is a call that
// also writes %r12.

import type { Inst } from '@windlass/ir';
import { Pseudo, pseudo } from '../inst/mod';
import { VREG_BASE, r12, r2 } from '../inst/regs';
import { CALL_CLOBBERS } from '../abi/abi';
import type { S390xLower } from './state';
import { symbolName } from './symbols';

export function lowerTls(L: S390xLower, inst: Inst): boolean {
  const f = L.f;
  const g = f.globalValues[f.instImm0[inst]];
  if (g === undefined || g.kind !== 'symbol' || !g.tls) L.unsupported('tls_value of a global value that is not a thread-local symbol');
  if (L.features.tlsModel !== 'elf_gd') L.unsupported(`tls_value with tls_model=${L.features.tlsModel} (s390x supports elf_gd)`);
  if (g.offset !== 0n) L.unsupported('a thread-local symbol with an offset');
  const t = pseudo(Pseudo.TlsGd);
  t.sym = symbolName(g.name);
  L.hasCalls = true;
  const got = L.tmp();
  const out = L.out();
  L.emit(t, { fixedDefs: [out - VREG_BASE, r2, got - VREG_BASE, r12], clobbers: CALL_CLOBBERS.filter((p) => p !== r2) });
  return true;
}
