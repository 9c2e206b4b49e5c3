// The s390x machine instruction record. Every instruction is one `MInst` of a single shape (V8
// keeps one hidden class). `op` indexes the table in ops.ts, or names a pseudo-instruction
// (`Pseudo`, expanded at emission). Field use per format:
//
//   r1..r4   register fields in the order the format numbers them (R1/V1, R2/V2, R3/V3, V4);
//            a BCR/BRC/BRCL mask is in m3
//   b x d    memory operand: base, index (NO_REG: none) and displacement; `label` >= 0 instead
//            addresses a constant-pool entry (the emitter loads its address into %r1)
//   imm      the I2 immediate (VRI-d: I4, VRI-e: I3); RIE-f I3/I4/I5 are in m3/m4/m5
//   m3..m6   masks
//   label    branch target (PC-relative forms) or pool entry; `sym` a relocated symbol instead
//   trap     trap code recorded at the instruction (0: none)

import type { RelocKind } from '@windlass/codegen';
import { NO_REG } from './regs';
import { opIndex } from './ops';

export class MInst {
  r1 = NO_REG;
  r2 = NO_REG;
  r3 = NO_REG;
  r4 = NO_REG;
  b = NO_REG;
  x = NO_REG;
  d = 0;
  imm = 0;
  m3 = 0;
  m4 = 0;
  m5 = 0;
  m6 = 0;
  label = -1;
  sym: string | null = null;
  relocKind: RelocKind | null = null;
  addend = 0;
  trap = 0;
  /** More registers of a pseudo-instruction (`AtomicLoop` temporaries); null for all others. */
  regs: number[] | null = null;
  constructor(public op: number) {}
}

/** Pseudo-instructions, numbered above the table's ops. */
export const Pseudo = {
  /** Defines the function arguments in their registers (no code). */
  Args: 1000,
  /** Return: epilogue then `br %r14`. */
  Ret: 1001,
  /** Unconditional jump to `label` (`brc 15` / `brcl 15`; may fall through). */
  Jump: 1002,
  /** Conditional branch to `label` when the condition code matches mask `m3`. */
  CondBr: 1003,
  /** Binds `label` here. */
  BindLabel: 1004,
  /** Traps (an illegal instruction, `.2byte 0`) with code `trap`. */
  Trap: 1005,
  /** Call: `brasl %r14, sym` or `basr %r14, r2`. */
  Call: 1006,
  /** Tail call: epilogue then `brcl 15, sym` / `br r2`. */
  TailCall: 1007,
  /** r1 <- r2 when the condition code matches m3, vector registers (a branch over `vlr`). */
  VecCondMove: 1008,
  /** Jump table: index in r2, `r3` a temporary; the targets are `targets`. */
  JumpTable: 1009,
  /** An empty terminator after an instruction that already ended the block. */
  Nop: 1010,
  /** Sets the condition code from comparing two i128 values held in GPR pairs (see lower/cond.ts). */
  Cmp128: 1011,
  /** Atomic read-modify-write loop (see lower/atomics.ts). */
  AtomicLoop: 1012,
  /** Vector register move (coalescable). */
  VMove: 1013,
  /** General register move (coalescable). */
  GMove: 1014,
  /** Loads the address of a stack slot: r1 <- %r15 + slot offset (fixed at emission). */
  SlotAddr: 1015,
  /** Inline stack probe loop / frame check (see abi/frame.ts). */
  StackCheck: 1016,
  /** General-dynamic TLS: %r2 <- the address of thread-local `sym` (see lower/tls.ts). */
  TlsGd: 1017,
} as const;

export function inst(name: string): MInst {
  return new MInst(opIndex(name));
}

// ---- constructors used by the lowering (register fields take vregs + VREG_BASE or pregs)

export function rr(name: string, r1: number, r2: number): MInst {
  const i = inst(name);
  i.r1 = r1;
  i.r2 = r2;
  return i;
}
export function rrr(name: string, r1: number, r2: number, r3: number): MInst {
  const i = inst(name);
  i.r1 = r1;
  i.r2 = r2;
  i.r3 = r3;
  return i;
}
export function ri(name: string, r1: number, imm: number): MInst {
  const i = inst(name);
  i.r1 = r1;
  i.imm = imm;
  return i;
}
export function rrm(name: string, r1: number, r2: number, m3: number, m4 = 0): MInst {
  const i = inst(name);
  i.r1 = r1;
  i.r2 = r2;
  i.m3 = m3;
  i.m4 = m4;
  return i;
}
/** A memory form `name r1, d(x, b)`. */
export function rx(name: string, r1: number, b: number, x: number, d: number): MInst {
  const i = inst(name);
  i.r1 = r1;
  i.b = b;
  i.x = x;
  i.d = d;
  return i;
}
/** An RSY form `name r1, r3, d(b)` (shifts: `b` is the amount register or NO_REG). */
export function rsy(name: string, r1: number, r3: number, b: number, d: number): MInst {
  const i = inst(name);
  i.r1 = r1;
  i.r3 = r3;
  i.b = b;
  i.d = d;
  return i;
}
/** A three-vector-register form with element-size mask m4 (and m5, m6). */
export function vrrc(name: string, v1: number, v2: number, v3: number, m4 = 0, m5 = 0, m6 = 0): MInst {
  const i = inst(name);
  i.r1 = v1;
  i.r2 = v2;
  i.r3 = v3;
  i.m4 = m4;
  i.m5 = m5;
  i.m6 = m6;
  return i;
}
/** A two-vector-register form with masks m3, m4, m5. */
export function vrra(name: string, v1: number, v2: number, m3 = 0, m4 = 0, m5 = 0): MInst {
  const i = inst(name);
  i.r1 = v1;
  i.r2 = v2;
  i.m3 = m3;
  i.m4 = m4;
  i.m5 = m5;
  return i;
}
/** A four-vector-register form (`vperm`, `vsel`, `vfma`). */
export function vrre(name: string, v1: number, v2: number, v3: number, v4: number, m5 = 0, m6 = 0): MInst {
  const i = inst(name);
  i.r1 = v1;
  i.r2 = v2;
  i.r3 = v3;
  i.r4 = v4;
  i.m5 = m5;
  i.m6 = m6;
  return i;
}
export function pseudo(op: number): MInst {
  return new MInst(op);
}
export function jump(label: number): MInst {
  const i = new MInst(Pseudo.Jump);
  i.label = label;
  return i;
}
export function condBr(mask: number, label: number): MInst {
  const i = new MInst(Pseudo.CondBr);
  i.m3 = mask;
  i.label = label;
  return i;
}
export function gmove(dst: number, src: number): MInst {
  const i = new MInst(Pseudo.GMove);
  i.r1 = dst;
  i.r2 = src;
  return i;
}
export function vmove(dst: number, src: number): MInst {
  const i = new MInst(Pseudo.VMove);
  i.r1 = dst;
  i.r2 = src;
  return i;
}
export function bindLabel(label: number): MInst {
  const i = new MInst(Pseudo.BindLabel);
  i.label = label;
  return i;
}
