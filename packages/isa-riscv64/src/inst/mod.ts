// The RISC-V machine instruction record.
//
// Every instruction is one `MInst` of a single shape (V8 keeps one hidden class). `op` is a row
// of the instruction table (inst/ops.ts) or, at PSEUDO_BASE and above, a pseudo-instruction the
// emitter expands (calls, constants, jump tables, atomic loops, ...). Fields:
//
// - rd, rs1, rs2, rs3: registers (a PReg, or a vreg + VREG_BASE before allocation; NO_REG unused).
//   Stores keep the stored value in rs2 (the vector store's vs3 in rd's field).
// - imm: the immediate (imm12, shamt, imm20, fence bits, csr number), or a pseudo's parameter.
// - aux: rounding mode (float ops), aq/rl bits (atomics), 1 = masked by v0 (vector ops), or a
//   pseudo's second parameter.
// - label: a backend label (branch targets, constants), -1 when none.
// - trap: trap code recorded at the instruction (a load that may fault, `unimp`), 0 when none.
// - vt: the vector configuration the instruction needs (see `VType`), 0 for non-vector ones.
// - sym: the symbol of a call or address relocation, null when none.
// - more: further registers of a pseudo-instruction sequence (fields 4, 5, ...): the first
//   `moreUses` are inputs, the rest temporaries it writes.

import { NO_REG } from './regs';
import * as O from './ops';

export class MInst {
  constructor(
    public op: number,
    public rd: number,
    public rs1: number,
    public rs2: number,
    public rs3: number,
    public imm: number,
    public aux: number,
    public label: number,
    public trap: number,
    public vt: number,
    public sym: string | null,
    public more: number[] | null,
    public moreUses: number,
  ) {}
}

/** Rounding modes (funct3 of float ops). */
export const Rm = { RNE: 0, RTZ: 1, RDN: 2, RUP: 3, RMM: 4, DYN: 7 } as const;
export type Rm = (typeof Rm)[keyof typeof Rm];

/** Pseudo-instructions (op values at or above PSEUDO_BASE). */
export const PSEUDO_BASE = 1000;
export const Pseudo = {
  /** Defines the function arguments in their fixed registers: no code. */
  Args: 1000,
  /** Return: the epilogue, then `ret`. */
  Ret: 1001,
  /** Direct call of `sym` (+ imm): `auipc ra; jalr ra` with R_RISCV_CALL_PLT. aux = 1: a try_call. */
  Call: 1002,
  /** Indirect call through rs1. */
  CallInd: 1003,
  /** Tail call of `sym`: the epilogue, then `auipc t1; jalr x0, t1` (R_RISCV_CALL_PLT). */
  TailCall: 1004,
  /** Indirect tail call through rs1 (fixed to t1). */
  TailCallInd: 1005,
  /** rd <- the 64-bit constant aux:imm (high:low halves), by the shortest lui/addi(w)/slli sequence. */
  Li: 1006,
  /** rd <- the constant at `label` (imm = the load opcode): `auipc; load` (an FPR load goes through t5). */
  LoadConst: 1007,
  /** rd <- address of `label` (`auipc; addi`). */
  LoadAddr: 1008,
  /** rd <- address of `sym` + imm: `auipc; addi` (aux = 0) or through the GOT `auipc; ld` (aux = 1). */
  LoadSym: 1009,
  /** Jump table: rs1 = index (bounds-checked), rd = temporary; `targets` in the extra. */
  BrTable: 1010,
  /** Binds `label` here (a branch target inside one IR instruction's code). */
  BindLabel: 1011,
  /** A pseudo sequence the lowering expands itself: see `SeqKind` in lower/seq.ts (imm = kind). */
  Seq: 1012,
  /** General-dynamic TLS address of `sym` into a0 (`auipc a0, %tls_gd_pcrel_hi; addi; call __tls_get_addr`). */
  TlsGd: 1013,
  /** No code: a marker carrying fixed register uses or defs (aux = 1: the terminator of a block). */
  Nop: 1014,
} as const;

/** A new instruction with every field empty. */
export function mk(op: number): MInst {
  return new MInst(op, NO_REG, NO_REG, NO_REG, NO_REG, 0, 0, -1, 0, 0, null, null, 0);
}

export function rrr(op: number, rd: number, rs1: number, rs2: number): MInst {
  const i = mk(op);
  i.rd = rd;
  i.rs1 = rs1;
  i.rs2 = rs2;
  return i;
}
/** A float op with a rounding mode. */
export function rrrm(op: number, rd: number, rs1: number, rs2: number, rm: number = Rm.DYN): MInst {
  const i = rrr(op, rd, rs1, rs2);
  i.aux = rm;
  return i;
}
export function rr(op: number, rd: number, rs1: number, rm: number = Rm.DYN): MInst {
  const i = mk(op);
  i.rd = rd;
  i.rs1 = rs1;
  i.aux = rm;
  return i;
}
export function r4(op: number, rd: number, rs1: number, rs2: number, rs3: number, rm: number = Rm.DYN): MInst {
  const i = rrr(op, rd, rs1, rs2);
  i.rs3 = rs3;
  i.aux = rm;
  return i;
}
export function rri(op: number, rd: number, rs1: number, imm: number): MInst {
  const i = mk(op);
  i.rd = rd;
  i.rs1 = rs1;
  i.imm = imm;
  return i;
}
export function load(op: number, rd: number, base: number, off: number, trap = 0): MInst {
  const i = rri(op, rd, base, off);
  i.trap = trap;
  return i;
}
export function store(op: number, src: number, base: number, off: number, trap = 0): MInst {
  const i = mk(op);
  i.rs1 = base;
  i.rs2 = src;
  i.imm = off;
  i.trap = trap;
  return i;
}
export function lui(rd: number, imm20: number): MInst {
  const i = mk(O.LUI_);
  i.rd = rd;
  i.imm = imm20;
  return i;
}
/** A compare-and-branch to `label` (beq/bne/blt/bge/bltu/bgeu). */
export function branch(op: number, rs1: number, rs2: number, label: number): MInst {
  const i = mk(op);
  i.rs1 = rs1;
  i.rs2 = rs2;
  i.label = label;
  return i;
}
/** `j label` (jal x0). */
export function jump(label: number): MInst {
  const i = mk(O.JAL_);
  i.rd = 0;
  i.label = label;
  return i;
}
export function mv(rd: number, rs: number): MInst {
  return rri(O.ADDI, rd, rs, 0);
}
/** fmv.d rd, rs (fsgnj.d rd, rs, rs): rs2 is left empty, so the allocator sees one use. */
export function fmv(rd: number, rs: number, double = true): MInst {
  return rrr(double ? O.FP_D.sgnj : O.FP_S.sgnj, rd, rs, NO_REG);
}
export function vmv(rd: number, rs: number): MInst {
  const i = mk(O.VMV1R_V);
  i.rd = rd;
  i.rs2 = rs;
  return i;
}
export function li(rd: number, lo: number, hi: number): MInst {
  const i = mk(Pseudo.Li);
  i.rd = rd;
  i.imm = lo | 0;
  i.aux = hi | 0;
  return i;
}
export function trapInst(code: number): MInst {
  const i = mk(O.UNIMP);
  i.trap = code;
  return i;
}
export function pseudo(op: number): MInst {
  return mk(op);
}
export function bindLabel(label: number): MInst {
  const i = mk(Pseudo.BindLabel);
  i.label = label;
  return i;
}
export function amo(op: number, rd: number, addr: number, src: number, aqrl = 3): MInst {
  const i = rrr(op, rd, addr, src);
  i.aux = aqrl;
  return i;
}
export function fence(): MInst {
  const i = mk(O.FENCE);
  i.imm = 0x33; // rw, rw
  return i;
}
