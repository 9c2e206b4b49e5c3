import { describe, expect, it } from 'vitest';
import { amBase, amIndex, amLabel, amSym, CC, Reloc } from './args';
import { emitInst } from './emit';
import { X64EncodeError } from './errors';
import * as I from './mod';
import { AluOp, type MInst, MulDivOp, ShiftOp, SseOp } from './mod';
import { OperandKind, RegField, flagEffect, FlagEffect, setReg, visitOperands, getReg } from './operands';
import { printInst } from './print';
import { PREG_COUNT, r12, r13, r8, rax, rbp, rcx, rdi, rdx, rsi, rsp, xmm } from './regs';
import { BasicCodeSink, LABEL_REL8 } from './sink';
import { dwarfReg, DWARF_RA } from './unwind';

function bytes(...insts: MInst[]): string {
  const s = new BasicCodeSink();
  for (const i of insts) emitInst(i, s);
  return Array.from(s.finish(), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

describe('x64 encoder', () => {
  it('encodes a small function: prologue, loop, epilogue', () => {
    // i64 sum(i64* p, i64 n): rdi = p, rsi = n
    const s = new BasicCodeSink();
    const loop = 0, done = 1;
    const code: MInst[] = [
      I.push(rbp), I.movRR(8, rbp, rsp),
      I.aluRM(AluOp.Xor, 4, rax, rax),
      I.test(8, rsi, rsi),
    ];
    for (const i of code) emitInst(i, s);
    emitInst(I.jcc(CC.E, done, true), s);
    s.bindLabel(loop);
    emitInst(I.aluRM(AluOp.Add, 8, rax, amBase(rdi)), s);
    emitInst(I.aluRI(AluOp.Add, 8, rdi, 8), s);
    emitInst(I.aluRI(AluOp.Sub, 8, rsi, 1), s);
    emitInst(I.jcc(CC.NE, loop, true), s);
    s.bindLabel(done);
    emitInst(I.pop(rbp), s);
    emitInst(I.ret(), s);
    const hex = Array.from(s.finish(), (b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(hex).toBe(
      '55 48 89 e5 31 c0 48 85 f6 74 0d 48 03 07 48 83 c7 08 48 83 ee 01 75 f3 5d c3',
    );
  });

  it('chooses SIB and displacement forms for rsp/r12/rbp/r13 bases', () => {
    expect(bytes(I.load(8, rax, amBase(rsp)))).toBe('48 8b 04 24');
    expect(bytes(I.load(8, rax, amBase(r12)))).toBe('49 8b 04 24');
    expect(bytes(I.load(8, rax, amBase(rbp)))).toBe('48 8b 45 00');
    expect(bytes(I.load(8, rax, amBase(r13)))).toBe('49 8b 45 00');
    expect(bytes(I.load(4, rax, amIndex(r8, r12, 3, 0x100)))).toBe('43 8b 84 e0 00 01 00 00');
  });

  it('materializes 64-bit constants with the shortest move', () => {
    expect(bytes(I.movConst(rax, 5, 0))).toBe('b8 05 00 00 00');
    expect(bytes(I.movConst(rax, -1, -1))).toBe('48 c7 c0 ff ff ff ff');
    expect(bytes(I.movConst(r8, 0x80000000, 0))).toBe('41 b8 00 00 00 80');
    expect(bytes(I.movConst(rax, 0, 1))).toBe('48 b8 00 00 00 00 01 00 00 00');
  });

  it('uses REX for spl/bpl/sil/dil only', () => {
    expect(bytes(I.movRR(1, rsi, rax))).toBe('40 88 c6');
    expect(bytes(I.movRR(1, rcx, rax))).toBe('88 c1');
    expect(bytes(I.setcc(CC.B, rdi))).toBe('40 0f 92 c7');
  });

  it('corrects RIP-relative label operands for trailing immediates', () => {
    const s = new BasicCodeSink();
    emitInst(I.aluMI(AluOp.Cmp, 4, amLabel(0), 0x1000), s); // 10 bytes, imm32 after the field
    s.bindLabel(0);
    expect(Array.from(s.finish().subarray(2, 6))).toEqual([0, 0, 0, 0]);
  });

  it('records relocations and trap sites', () => {
    const s = new BasicCodeSink();
    emitInst(I.callSym('memcpy'), s);
    emitInst(I.withTrap(I.load(4, rax, amSym('g', 0, Reloc.X86GOTPCRel4)), 7), s);
    emitInst(I.ud2(3), s);
    expect(s.relocs).toEqual([
      { offset: 1, kind: Reloc.X86CallPLTRel4, symbol: 'memcpy', addend: -4 },
      { offset: 7, kind: Reloc.X86GOTPCRel4, symbol: 'g', addend: -4 },
    ]);
    expect(s.traps).toEqual([{ offset: 5, code: 7 }, { offset: 11, code: 3 }]);
  });

  it('prints Intel syntax as objdump does', () => {
    expect(printInst(I.load(8, rax, amIndex(rbp, rcx, 3, -8)))).toBe('mov    rax,QWORD PTR [rbp+rcx*8-0x8]');
    expect(printInst(I.aluRI(AluOp.Add, 8, rax, -1))).toBe('add    rax,0xffffffffffffffff');
    expect(printInst(I.xmmRM(SseOp.Addsd, xmm(1), amBase(rsp, 16)))).toBe('addsd  xmm1,QWORD PTR [rsp+0x10]');
    expect(printInst(I.jcc(CC.AE, 4))).toBe('jae    L4');
    expect(printInst(I.mulDiv(MulDivOp.Idiv, 4, rcx))).toBe('idiv   ecx');
  });
});

describe('x64 encoder errors', () => {
  const cases: [string, () => MInst][] = [
    ['a virtual register', () => I.movRR(8, rax, PREG_COUNT + 5)],
    ['an xmm register in a GPR slot', () => I.movRR(8, rax, xmm(3))],
    ['rsp as an index', () => I.load(8, rax, amIndex(rax, rsp, 0))],
    ['a missing operand size', () => I.imul(1, rax, rcx)],
    ['an immediate too wide', () => I.aluRI(AluOp.Add, 1, rax, 300)],
    ['movzx from 32 bits', () => I.movzx(4 as 1, 8, rax, rcx)],
    ['a shift count above 255', () => I.shiftImm(ShiftOp.Shl, 4, rax, 256)],
    ['a jump table whose index is a temporary', () => I.jumpTable(rax, rax, rcx, [1])],
    ['a 64-bit immediate that is not a sign-extended imm32', () => I.movImm(8, rax, 0x80000000)],
    ['a displacement beyond 32 bits', () => I.load(8, rax, amBase(rcx, 0x80000000))],
    ['a condition code out of range', () => I.setcc(16 as CC, rax)],
    ['a shld count above 255', () => I.dshiftImm(false, 8, rax, rcx, 300)],
  ];
  for (const [what, make] of cases) {
    it(`rejects ${what} with a typed error`, () => {
      expect(() => emitInst(make(), new BasicCodeSink())).toThrow(X64EncodeError);
    });
  }

  it('rejects a non-integer immediate when the instruction is built', () => {
    expect(() => I.aluRI(AluOp.Add, 4, rax, 1.5)).toThrow(X64EncodeError);
    expect(() => I.movImm(4, rax, 2 ** 32)).toThrow(X64EncodeError);
  });

  it('accepts unsigned 32-bit immediates at sizes 4 and below', () => {
    expect(bytes(I.movImm(4, rax, 0xffffffff))).toBe('b8 ff ff ff ff');
    expect(bytes(I.aluRI(AluOp.And, 2, rcx, 0xfff0))).toBe('66 83 e1 f0');
  });

  it('rejects an out-of-range short branch when labels resolve', () => {
    const s = new BasicCodeSink();
    emitInst(I.jmp(0, true), s);
    emitInst(I.nop(200), s);
    s.bindLabel(0);
    expect(() => s.finish()).toThrow(/out of range/);
  });

  it('reaches exactly +127 and -128 with rel8', () => {
    const s = new BasicCodeSink();
    s.bindLabel(1);
    emitInst(I.nop(126), s);
    emitInst(I.jmp(1, true), s); // at 126: 126 + 2 - 128 = 0
    emitInst(I.jmp(0, true), s); // at 128
    emitInst(I.nop(127), s);
    s.bindLabel(0); // 128 + 2 + 127
    const b = s.finish();
    expect(b[127]).toBe(0x80);
    expect(b[129]).toBe(127);
    expect(LABEL_REL8.maxPosRange).toBe(128);
  });
});

describe('x64 operands', () => {
  function collect(inst: MInst): string[] {
    const out: string[] = [];
    visitOperands(inst, {
      reg: (f, k, c) => out.push(`${f}:${k}:${c}`),
      fixed: (p, k) => out.push(`p${p}:${k}`),
    });
    return out;
  }
  it('reports two-address ALU destinations as Mod and cmp as Use', () => {
    expect(collect(I.aluRM(AluOp.Add, 8, rax, rcx))).toEqual([
      `${RegField.Src}:${OperandKind.Use}:0`, `${RegField.Dst}:${OperandKind.Mod}:0`,
    ]);
    expect(collect(I.aluRM(AluOp.Cmp, 8, rax, amIndex(rcx, rdx, 2)))).toEqual([
      `${RegField.Base}:0:0`, `${RegField.Index}:0:0`, `${RegField.Dst}:0:0`,
    ]);
  });
  it('reports implicit rax/rdx of division', () => {
    expect(collect(I.mulDiv(MulDivOp.Div, 8, rcx))).toEqual([
      `${RegField.Src}:0:0`, `p${rax}:${OperandKind.Mod}`, `p${rdx}:${OperandKind.Mod}`,
    ]);
  });
  it('rewrites fields through setReg', () => {
    const i = I.load(8, PREG_COUNT + 1, amBase(PREG_COUNT + 2, 8));
    setReg(i, RegField.Dst, rax);
    setReg(i, RegField.Base, rsp);
    expect(getReg(i, RegField.Base)).toBe(rsp);
    expect(bytes(i)).toBe('48 8b 44 24 08');
  });
  it('gives VEX forms a separate upper-lane source', () => {
    const sse = I.cvtIntToFloat(true, 8, xmm(1), rax);
    expect(collect(sse)).toEqual([`${RegField.Src}:0:0`, `${RegField.Dst}:${OperandKind.Mod}:1`]);
    const avx = I.withVex(I.cvtIntToFloat(true, 8, xmm(1), rax), xmm(7));
    expect(collect(avx)).toEqual([
      `${RegField.Src}:0:0`, `${RegField.Src2}:0:1`, `${RegField.Dst}:${OperandKind.Def}:1`,
    ]);
    expect(printInst(avx)).toBe('vcvtsi2sd xmm1,xmm7,rax');
    expect(bytes(avx)).toBe('c4 e1 c3 2a c8');
  });
  it('knows which instructions touch flags', () => {
    expect(flagEffect(I.callSym('f'))).toBe(FlagEffect.Writes);
    expect(flagEffect(I.aluRM(AluOp.Adc, 8, rax, rcx))).toBe(FlagEffect.ReadsWrites);
    expect(flagEffect(I.lea(8, rax, amBase(rcx)))).toBe(FlagEffect.None);
    expect(flagEffect(I.cmov(CC.L, 8, rax, rcx))).toBe(FlagEffect.Reads);
  });
});

describe('x64 DWARF register numbers', () => {
  it('follows the psABI mapping', () => {
    expect([rax, rdx, rcx, rsp, rbp, rsi, rdi, r8, r13].map(dwarfReg)).toEqual([0, 1, 2, 7, 6, 4, 5, 8, 13]);
    expect(dwarfReg(xmm(15))).toBe(32);
    expect(DWARF_RA).toBe(16);
  });
});
