// Encoding tables for the table-driven op families. Opcodes come from the Intel SDM, volume 2
// (instruction reference): mandatory prefix, escape bytes and final opcode packed into one
// number (the escape bytes make multi-byte opcodes > 0xff, so the length is implicit).

/** Legacy prefix bits, emitted in the order 66, F2/F3, F0 (what GNU as does). */
export const P66 = 1;
export const PF3 = 2;
export const PF2 = 4;
export const PLOCK = 8;

export interface OpInfo {
  readonly name: string;
  readonly pfx: number;
  readonly opc: number;
  /** Bytes read from a memory operand (selects the PTR keyword in listings). */
  readonly memSize: number;
}

function info(name: string, pfx: number, opc: number, memSize: number): OpInfo {
  return { name, pfx, opc, memSize };
}

/** Indexed by XmmMovOp: load (reg <- r/m) opcode. */
export const XMM_MOV: readonly (OpInfo & { storeOpc: number; storePfx: number })[] = [
  { ...info('movss', PF3, 0x0f10, 4), storeOpc: 0x0f11, storePfx: PF3 },
  { ...info('movsd', PF2, 0x0f10, 8), storeOpc: 0x0f11, storePfx: PF2 },
  { ...info('movaps', 0, 0x0f28, 16), storeOpc: 0x0f29, storePfx: 0 },
  { ...info('movapd', P66, 0x0f28, 16), storeOpc: 0x0f29, storePfx: P66 },
  { ...info('movups', 0, 0x0f10, 16), storeOpc: 0x0f11, storePfx: 0 },
  { ...info('movupd', P66, 0x0f10, 16), storeOpc: 0x0f11, storePfx: P66 },
  { ...info('movdqa', P66, 0x0f6f, 16), storeOpc: 0x0f7f, storePfx: P66 },
  { ...info('movdqu', PF3, 0x0f6f, 16), storeOpc: 0x0f7f, storePfx: PF3 },
  // movq xmm, xmm/m64 loads with F3 0F 7E; the store is 66 0F D6.
  { ...info('movq', PF3, 0x0f7e, 8), storeOpc: 0x0fd6, storePfx: P66 },
];

/** Indexed by SseOp. */
export const SSE_OPS: readonly OpInfo[] = [
  info('addss', PF3, 0x0f58, 4), info('addsd', PF2, 0x0f58, 8),
  info('subss', PF3, 0x0f5c, 4), info('subsd', PF2, 0x0f5c, 8),
  info('mulss', PF3, 0x0f59, 4), info('mulsd', PF2, 0x0f59, 8),
  info('divss', PF3, 0x0f5e, 4), info('divsd', PF2, 0x0f5e, 8),
  info('sqrtss', PF3, 0x0f51, 4), info('sqrtsd', PF2, 0x0f51, 8),
  info('minss', PF3, 0x0f5d, 4), info('minsd', PF2, 0x0f5d, 8),
  info('maxss', PF3, 0x0f5f, 4), info('maxsd', PF2, 0x0f5f, 8),
  info('ucomiss', 0, 0x0f2e, 4), info('ucomisd', P66, 0x0f2e, 8),
  info('comiss', 0, 0x0f2f, 4), info('comisd', P66, 0x0f2f, 8),
  info('cvtss2sd', PF3, 0x0f5a, 4), info('cvtsd2ss', PF2, 0x0f5a, 8),
  info('andps', 0, 0x0f54, 16), info('andpd', P66, 0x0f54, 16),
  info('andnps', 0, 0x0f55, 16), info('andnpd', P66, 0x0f55, 16),
  info('orps', 0, 0x0f56, 16), info('orpd', P66, 0x0f56, 16),
  info('xorps', 0, 0x0f57, 16), info('xorpd', P66, 0x0f57, 16),
  info('pand', P66, 0x0fdb, 16), info('pandn', P66, 0x0fdf, 16),
  info('por', P66, 0x0feb, 16), info('pxor', P66, 0x0fef, 16),
  // Packed (SSE2 / SSSE3 / SSE4.1) forms: xmm, xmm/m128 (m64 for the widening moves and conversions).
  info('paddb', P66, 0x0ffc, 16),
  info('paddw', P66, 0x0ffd, 16),
  info('paddd', P66, 0x0ffe, 16),
  info('paddq', P66, 0x0fd4, 16),
  info('psubb', P66, 0x0ff8, 16),
  info('psubw', P66, 0x0ff9, 16),
  info('psubd', P66, 0x0ffa, 16),
  info('psubq', P66, 0x0ffb, 16),
  info('pmullw', P66, 0x0fd5, 16),
  info('pmulld', P66, 0xf3840, 16),
  info('pmuludq', P66, 0x0ff4, 16),
  info('paddsb', P66, 0x0fec, 16),
  info('paddsw', P66, 0x0fed, 16),
  info('paddusb', P66, 0x0fdc, 16),
  info('paddusw', P66, 0x0fdd, 16),
  info('psubsb', P66, 0x0fe8, 16),
  info('psubsw', P66, 0x0fe9, 16),
  info('psubusb', P66, 0x0fd8, 16),
  info('psubusw', P66, 0x0fd9, 16),
  info('pavgb', P66, 0x0fe0, 16),
  info('pavgw', P66, 0x0fe3, 16),
  info('pcmpeqb', P66, 0x0f74, 16),
  info('pcmpeqw', P66, 0x0f75, 16),
  info('pcmpeqd', P66, 0x0f76, 16),
  info('pcmpeqq', P66, 0xf3829, 16),
  info('pcmpgtb', P66, 0x0f64, 16),
  info('pcmpgtw', P66, 0x0f65, 16),
  info('pcmpgtd', P66, 0x0f66, 16),
  info('pcmpgtq', P66, 0xf3837, 16),
  info('pminsb', P66, 0xf3838, 16),
  info('pminsw', P66, 0x0fea, 16),
  info('pminsd', P66, 0xf3839, 16),
  info('pminub', P66, 0x0fda, 16),
  info('pminuw', P66, 0xf383a, 16),
  info('pminud', P66, 0xf383b, 16),
  info('pmaxsb', P66, 0xf383c, 16),
  info('pmaxsw', P66, 0x0fee, 16),
  info('pmaxsd', P66, 0xf383d, 16),
  info('pmaxub', P66, 0x0fde, 16),
  info('pmaxuw', P66, 0xf383e, 16),
  info('pmaxud', P66, 0xf383f, 16),
  info('psllw', P66, 0x0ff1, 16),
  info('pslld', P66, 0x0ff2, 16),
  info('psllq', P66, 0x0ff3, 16),
  info('psrlw', P66, 0x0fd1, 16),
  info('psrld', P66, 0x0fd2, 16),
  info('psrlq', P66, 0x0fd3, 16),
  info('psraw', P66, 0x0fe1, 16),
  info('psrad', P66, 0x0fe2, 16),
  info('pabsb', P66, 0xf381c, 16),
  info('pabsw', P66, 0xf381d, 16),
  info('pabsd', P66, 0xf381e, 16),
  info('punpcklbw', P66, 0x0f60, 16),
  info('punpcklwd', P66, 0x0f61, 16),
  info('punpckldq', P66, 0x0f62, 16),
  info('punpcklqdq', P66, 0x0f6c, 16),
  info('punpckhbw', P66, 0x0f68, 16),
  info('punpckhwd', P66, 0x0f69, 16),
  info('punpckhdq', P66, 0x0f6a, 16),
  info('punpckhqdq', P66, 0x0f6d, 16),
  info('packsswb', P66, 0x0f63, 16),
  info('packssdw', P66, 0x0f6b, 16),
  info('packuswb', P66, 0x0f67, 16),
  info('packusdw', P66, 0xf382b, 16),
  info('pshufb', P66, 0xf3800, 16),
  info('pmovsxbw', P66, 0xf3820, 8),
  info('pmovsxwd', P66, 0xf3823, 8),
  info('pmovsxdq', P66, 0xf3825, 8),
  info('pmovzxbw', P66, 0xf3830, 8),
  info('pmovzxwd', P66, 0xf3833, 8),
  info('pmovzxdq', P66, 0xf3835, 8),
  info('phaddw', P66, 0x0f3801, 16), info('phaddd', P66, 0x0f3802, 16),
  info('pmaddwd', P66, 0x0ff5, 16),
  info('pmulhrsw', P66, 0xf380b, 16),
  info('addps', 0, 0x0f58, 16),
  info('addpd', P66, 0x0f58, 16),
  info('subps', 0, 0x0f5c, 16),
  info('subpd', P66, 0x0f5c, 16),
  info('mulps', 0, 0x0f59, 16),
  info('mulpd', P66, 0x0f59, 16),
  info('divps', 0, 0x0f5e, 16),
  info('divpd', P66, 0x0f5e, 16),
  info('sqrtps', 0, 0x0f51, 16),
  info('sqrtpd', P66, 0x0f51, 16),
  info('minps', 0, 0x0f5d, 16),
  info('minpd', P66, 0x0f5d, 16),
  info('maxps', 0, 0x0f5f, 16),
  info('maxpd', P66, 0x0f5f, 16),
  info('cvtdq2ps', 0, 0x0f5b, 16),
  info('cvttps2dq', PF3, 0x0f5b, 16),
  info('cvtdq2pd', PF3, 0x0fe6, 8),
  info('cvttpd2dq', P66, 0x0fe6, 16),
  info('cvtps2pd', 0, 0x0f5a, 8),
  info('cvtpd2ps', P66, 0x0f5a, 16),
  info('unpcklps', 0, 0x0f14, 16),
  info('unpcklpd', P66, 0x0f14, 16),
  info('unpckhps', 0, 0x0f15, 16),
  info('unpckhpd', P66, 0x0f15, 16),
];

/** Indexed by SseImmOp (SSE4.1). */
export const SSE_IMM_OPS: readonly OpInfo[] = [
  info('roundss', P66, 0x0f3a0a, 4), info('roundsd', P66, 0x0f3a0b, 8),
  info('cmpss', PF3, 0x0fc2, 4), info('cmpsd', PF2, 0x0fc2, 8),
];

/** cmpss/cmpsd predicate names as objdump folds them into the mnemonic (cmpltss, ...). */
export const CMP_PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord'];

/** Indexed by CvtToIntOp. */
export const CVT_TO_INT: readonly OpInfo[] = [
  info('cvttss2si', PF3, 0x0f2c, 4), info('cvttsd2si', PF2, 0x0f2c, 8),
  info('cvtss2si', PF3, 0x0f2d, 4), info('cvtsd2si', PF2, 0x0f2d, 8),
];

/** Indexed by BitOp. */
export const BIT_OPS: readonly OpInfo[] = [
  info('bsf', 0, 0x0fbc, 0), info('bsr', 0, 0x0fbd, 0),
  info('lzcnt', PF3, 0x0fbd, 0), info('tzcnt', PF3, 0x0fbc, 0), info('popcnt', PF3, 0x0fb8, 0),
];

/** VEX map select (the mmmmm field). */
export const MAP_0F = 1;
export const MAP_0F38 = 2;
export const MAP_0F3A = 3;

export interface VexInfo {
  readonly name: string;
  /** VEX.pp: 0 none, 1 = 66, 2 = F3, 3 = F2. */
  readonly pp: number;
  readonly map: number;
  readonly w: number;
  readonly opc: number;
  readonly memSize: number;
}
function vex(name: string, pp: number, map: number, w: number, opc: number, memSize: number): VexInfo {
  return { name, pp, map, w, opc, memSize };
}

function buildAvx(): VexInfo[] {
  const t: VexInfo[] = [
    vex('vaddss', 2, MAP_0F, 0, 0x58, 4), vex('vaddsd', 3, MAP_0F, 0, 0x58, 8),
    vex('vsubss', 2, MAP_0F, 0, 0x5c, 4), vex('vsubsd', 3, MAP_0F, 0, 0x5c, 8),
    vex('vmulss', 2, MAP_0F, 0, 0x59, 4), vex('vmulsd', 3, MAP_0F, 0, 0x59, 8),
    vex('vdivss', 2, MAP_0F, 0, 0x5e, 4), vex('vdivsd', 3, MAP_0F, 0, 0x5e, 8),
    vex('vminss', 2, MAP_0F, 0, 0x5d, 4), vex('vminsd', 3, MAP_0F, 0, 0x5d, 8),
    vex('vmaxss', 2, MAP_0F, 0, 0x5f, 4), vex('vmaxsd', 3, MAP_0F, 0, 0x5f, 8),
    vex('vsqrtss', 2, MAP_0F, 0, 0x51, 4), vex('vsqrtsd', 3, MAP_0F, 0, 0x51, 8),
    vex('vandps', 0, MAP_0F, 0, 0x54, 16), vex('vandpd', 1, MAP_0F, 0, 0x54, 16),
    vex('vandnps', 0, MAP_0F, 0, 0x55, 16), vex('vandnpd', 1, MAP_0F, 0, 0x55, 16),
    vex('vorps', 0, MAP_0F, 0, 0x56, 16), vex('vorpd', 1, MAP_0F, 0, 0x56, 16),
    vex('vxorps', 0, MAP_0F, 0, 0x57, 16), vex('vxorpd', 1, MAP_0F, 0, 0x57, 16),
    vex('vcvtss2sd', 2, MAP_0F, 0, 0x5a, 4), vex('vcvtsd2ss', 3, MAP_0F, 0, 0x5a, 8),
  ];
  // FMA: VEX.LIG.66.0F38, W0 for single and W1 for double; the opcode's high nibble picks
  // the operand order (9x = 132, Ax = 213, Bx = 231), the low nibble the operation.
  const ops: [string, number][] = [['vfmadd', 0x9], ['vfmsub', 0xb], ['vfnmadd', 0xd], ['vfnmsub', 0xf]];
  for (const [name, low] of ops) {
    for (const [ty, w, memSize] of [['ss', 0, 4], ['sd', 1, 8]] as [string, number, number][]) {
      t.push(vex(`${name}132${ty}`, 1, MAP_0F38, w, 0x90 | low, memSize));
      t.push(vex(`${name}213${ty}`, 1, MAP_0F38, w, 0xa0 | low, memSize));
      t.push(vex(`${name}231${ty}`, 1, MAP_0F38, w, 0xb0 | low, memSize));
    }
  }
  // Packed forms (VEX.128: L = 0, the default of encVex).
  t.push(vex('vfmadd213ps', 1, MAP_0F38, 0, 0xa8, 16), vex('vfmadd213pd', 1, MAP_0F38, 1, 0xa8, 16));
  return t;
}
/** Indexed by AvxOp. */
export const AVX_OPS: readonly VexInfo[] = buildAvx();

/** Indexed by BmiOp. */
export const BMI_OPS: readonly VexInfo[] = [
  vex('andn', 0, MAP_0F38, 0, 0xf2, 0),
  vex('bextr', 0, MAP_0F38, 0, 0xf7, 0),
  vex('bzhi', 0, MAP_0F38, 0, 0xf5, 0),
  vex('shlx', 1, MAP_0F38, 0, 0xf7, 0),
  vex('shrx', 3, MAP_0F38, 0, 0xf7, 0),
  vex('sarx', 2, MAP_0F38, 0, 0xf7, 0),
  vex('pdep', 3, MAP_0F38, 0, 0xf5, 0),
  vex('pext', 2, MAP_0F38, 0, 0xf5, 0),
  vex('mulx', 3, MAP_0F38, 0, 0xf6, 0),
];

/** Indexed by BlsOp (/digit); entry 0 unused. */
export const BLS_NAMES = ['', 'blsr', 'blsmsk', 'blsi'];

/** Packed forms with an immediate (`XmmRMImmP`), indexed by PackedImmOp. */
export interface PackedImmInfo extends OpInfo {
  /** The destination is also a source (shufps, palignr, cmpps, ...). */
  readonly readsDst: boolean;
}
function pimm(name: string, pfx: number, opc: number, readsDst: boolean): PackedImmInfo {
  return { name, pfx, opc, memSize: 16, readsDst };
}
export const PACKED_IMM_OPS: readonly PackedImmInfo[] = [
  pimm('pshufd', P66, 0x0f70, false), pimm('pshuflw', PF2, 0x0f70, false), pimm('pshufhw', PF3, 0x0f70, false),
  pimm('shufps', 0, 0x0fc6, true), pimm('shufpd', P66, 0x0fc6, true),
  pimm('cmpps', 0, 0x0fc2, true), pimm('cmppd', P66, 0x0fc2, true),
  pimm('palignr', P66, 0x0f3a0f, true), pimm('pblendw', P66, 0x0f3a0e, true),
  pimm('roundps', P66, 0x0f3a08, false), pimm('roundpd', P66, 0x0f3a09, false),
  pimm('blendps', P66, 0x0f3a0c, true), pimm('blendpd', P66, 0x0f3a0d, true),
];

/** Packed shifts by an immediate (66 0F 71/72/73 /digit ib), indexed by XmmShiftOp: [opcode, digit]. */
export const XMM_SHIFT_OPS: readonly { readonly name: string; readonly opc: number; readonly digit: number }[] = [
  { name: 'psrlw', opc: 0x0f71, digit: 2 }, { name: 'psraw', opc: 0x0f71, digit: 4 }, { name: 'psllw', opc: 0x0f71, digit: 6 },
  { name: 'psrld', opc: 0x0f72, digit: 2 }, { name: 'psrad', opc: 0x0f72, digit: 4 }, { name: 'pslld', opc: 0x0f72, digit: 6 },
  { name: 'psrlq', opc: 0x0f73, digit: 2 }, { name: 'psllq', opc: 0x0f73, digit: 6 },
  { name: 'psrldq', opc: 0x0f73, digit: 3 }, { name: 'pslldq', opc: 0x0f73, digit: 7 },
];

/**
 * xmm -> GPR lane moves (`XmmExtract`), indexed by XmmExtractOp. `xmmInReg`: the xmm register
 * is ModRM.reg (pextrb/d/q); otherwise the GPR is (pextrw, movmsk*). `imm`: takes a lane byte.
 */
export const XMM_EXTRACT_OPS: readonly { readonly name: string; readonly pfx: number; readonly opc: number; readonly w: number; readonly xmmInReg: boolean; readonly imm: boolean }[] = [
  { name: 'pextrb', pfx: P66, opc: 0x0f3a14, w: 0, xmmInReg: true, imm: true },
  { name: 'pextrw', pfx: P66, opc: 0x0fc5, w: 0, xmmInReg: false, imm: true },
  { name: 'pextrd', pfx: P66, opc: 0x0f3a16, w: 0, xmmInReg: true, imm: true },
  { name: 'pextrq', pfx: P66, opc: 0x0f3a16, w: 1, xmmInReg: true, imm: true },
  { name: 'movmskps', pfx: 0, opc: 0x0f50, w: 0, xmmInReg: false, imm: false },
  { name: 'movmskpd', pfx: P66, opc: 0x0f50, w: 0, xmmInReg: false, imm: false },
  { name: 'pmovmskb', pfx: P66, opc: 0x0fd7, w: 0, xmmInReg: false, imm: false },
];

/** GPR -> xmm lane inserts (`XmmInsert`), indexed by XmmInsertOp. */
export const XMM_INSERT_OPS: readonly { readonly name: string; readonly opc: number; readonly w: number }[] = [
  { name: 'pinsrb', opc: 0x0f3a20, w: 0 }, { name: 'pinsrw', opc: 0x0fc4, w: 0 },
  { name: 'pinsrd', opc: 0x0f3a22, w: 0 }, { name: 'pinsrq', opc: 0x0f3a22, w: 1 },
];
