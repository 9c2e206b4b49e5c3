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
