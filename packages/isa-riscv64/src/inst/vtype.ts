// The vector configuration an instruction runs under (`MInst.vt`): element width, register
// group multiplier, tail/mask policy and the number of elements (AVL). The emitter tracks the
// configuration in force and inserts `vsetivli zero, avl, vtype` only where it changes.
//
//   bits 0-2  vlmul (vtype encoding: 0 m1, 1 m2, 2 m4, 3 m8, 5 mf8, 6 mf4, 7 mf2)
//   bits 3-5  vsew  (0 e8, 1 e16, 2 e32, 3 e64)
//   bit  6    vta   (1: tail agnostic)
//   bit  7    vma   (1: mask agnostic)
//   bits 8-19 AVL   (elements, 1..4095; above 31 the emitter goes through vsetvli)
//   bit  20   set   (a non-zero marker: vt = 0 means "not a vector instruction")

export type VType = number;

export const Lmul = { M1: 0, M2: 1, M4: 2, M8: 3, MF8: 5, MF4: 6, MF2: 7 } as const;
export type Lmul = (typeof Lmul)[keyof typeof Lmul];

const SET = 1 << 20;

/**
 * The configuration for `lanes` elements of 2^sew bytes (sew 0..3) with register multiplier
 * `lmul`; tail and mask agnostic unless `undisturbed` (tail-undisturbed, mask-undisturbed).
 */
export function vtype(sew: number, lanes: number, lmul: Lmul = Lmul.M1, undisturbed = false): VType {
  if (lanes < 1 || lanes > 4095) throw new RangeError(`vector AVL ${lanes} is not in 1..4095`);
  return SET | (lanes << 8) | (undisturbed ? 0 : 0xc0) | (sew << 3) | lmul;
}

/** The vtypei immediate of vsetivli. */
export function vtypeImm(vt: VType): number {
  return vt & 0xff;
}
export function vtypeAvl(vt: VType): number {
  return (vt >> 8) & 0xfff;
}
export function vtypeSew(vt: VType): number {
  return (vt >> 3) & 7;
}

const LMUL_NAMES = ['m1', 'm2', 'm4', 'm8', '?', 'mf8', 'mf4', 'mf2'];

/** `e32, m1, ta, ma` as assemblers write the vtype operand. */
export function vtypeText(vt: VType): string {
  const imm = vtypeImm(vt);
  return `e${8 << vtypeSew(vt)}, ${LMUL_NAMES[imm & 7]}, ${imm & 0x40 ? 'ta' : 'tu'}, ${imm & 0x80 ? 'ma' : 'mu'}`;
}
