// How an ISA plugs into the shared pipeline, shown on a toy machine: eight 32-bit registers,
// four-byte instructions, arguments in r0-r2 and the result in r0. The test compiles CLIF
// through `defineIsa` + the driver, runs the machine code on a small simulator and compares the
// results with the interpreter's expectations.

import { describe, expect, it } from 'vitest';
import {
  BRIF, I32, IADD, ICONST, IMUL, ISUB, JUMP, RETURN, type Function, type Inst, type Value, parseFunction,
} from '@windlass/ir';
import { Constraint, Env, InstFlag, OperandKind, OperandPos } from '@windlass/regalloc';
import { SettingsTemplate, defaultFlags, settingsBuilder } from '../settings';
import type { LabelUseKind } from '../buffer';
import { MachBuffer } from '../buffer';
import { type LowerCtx, RuleTable } from '../lower/lower';
import { X86_64_CIE } from '../unwind';
import { CodegenError } from '../lower/errors';
import { type LoweringSession, type MachineBackend, compileWith } from './driver';
import { defineIsa } from './define';
import { EmitSink, Listing, emitBody } from './emit';

const enum Op { Args, Li, Add, Sub, Mul, Mov, Jmp, Bnz, Ret, Spill, Reload }
const NAMES = ['args', 'li', 'add', 'sub', 'mul', 'mov', 'jmp', 'bnz', 'ret', 'spill', 'reload'];
/** A toy instruction; register fields hold vregs until the allocation is written into them. */
interface TI { op: Op; rd: number; ra: number; rb: number; imm: number; label: number }
/** Fixed-register operands: (vreg, preg) pairs. */
interface TX { fixedDefs?: number[]; fixedUses?: number[] }
const ti = (op: Op, rd = 0, ra = 0, rb = 0, imm = 0, label = -1): TI => ({ op, rd, ra, rb, imm, label });

/** A branch field: signed 16 bits at byte 2, counted from the instruction start. */
const REL16: LabelUseKind = {
  name: 'rel16', patchSize: 2, maxPosRange: 0x7fff, maxNegRange: 0x8000,
  patch(bytes, use, label) {
    const d = label - (use - 2);
    bytes[use] = d & 255;
    bytes[use + 1] = (d >> 8) & 255;
  },
};

class ToySession implements LoweringSession<TI, TX> {
  ctx!: LowerCtx<TI, TX>;
  constructor(readonly f: Function) {}
  bind(ctx: LowerCtx<TI, TX>): void {
    this.ctx = ctx;
  }
  regsFor(t: number) {
    return t === I32 ? [0 as const] : null;
  }
  collectOperands(i: TI, x: TX | null, sink: Parameters<LoweringSession<TI, TX>['collectOperands']>[2]): void {
    for (let k = 0; x?.fixedUses && k < x.fixedUses.length; k += 2) sink.operand(x.fixedUses[k], OperandKind.Use, OperandPos.Early, Constraint.Fixed, x.fixedUses[k + 1], -1);
    for (let k = 0; x?.fixedDefs && k < x.fixedDefs.length; k += 2) sink.operand(x.fixedDefs[k], OperandKind.Def, OperandPos.Late, Constraint.Fixed, x.fixedDefs[k + 1], -1);
    const u = (field: number, v: number) => sink.operand(v, OperandKind.Use, OperandPos.Early, Constraint.Reg, 0, field);
    const d = (v: number) => sink.operand(v, OperandKind.Def, OperandPos.Late, Constraint.Reg, 0, 0);
    switch (i.op) {
      case Op.Li: d(i.rd); break;
      case Op.Mov: u(1, i.ra); d(i.rd); break;
      case Op.Add: case Op.Sub: case Op.Mul: u(1, i.ra); u(2, i.rb); d(i.rd); break;
      case Op.Bnz: u(1, i.ra); break;
      default: break;
    }
  }
  lowerInst(_ctx: LowerCtx<TI, TX>, inst: Inst): boolean {
    return RULES.lower(this, this.f.instOpcode[inst] as never, inst);
  }
  lowerBranch(ctx: LowerCtx<TI, TX>, inst: Inst, targets: readonly number[]): boolean {
    const f = this.f;
    switch (f.instOpcode[inst]) {
      case JUMP: ctx.emit(ti(Op.Jmp, 0, 0, 0, 0, targets[0]), null, InstFlag.Branch); return true;
      case BRIF:
        ctx.emit(ti(Op.Bnz, 0, ctx.put(f.arg(inst, 0)), 0, 0, targets[0]));
        ctx.emit(ti(Op.Jmp, 0, 0, 0, 0, targets[1]), null, InstFlag.Branch);
        return true;
      case RETURN: ctx.emit(ti(Op.Ret), { fixedUses: [ctx.put(f.arg(inst, 0)), 0] }, InstFlag.Ret); return true;
      default: return false;
    }
  }
  lowerArgs(ctx: LowerCtx<TI, TX>, params: readonly Value[]): void {
    const defs: number[] = [];
    params.forEach((v, k) => { if (ctx.isUsed(v)) defs.push(ctx.put(v), k); });
    ctx.emit(ti(Op.Args), { fixedDefs: defs });
  }
  jump(label: number): TI {
    return ti(Op.Jmp, 0, 0, 0, 0, label);
  }
}

const binary = (op: Op) => (L: ToySession, inst: Inst): boolean => {
  const c = L.ctx;
  c.emit(ti(op, c.put(c.result(0)), c.put(L.f.arg(inst, 0)), c.put(L.f.arg(inst, 1))));
  return true;
};
const RULES = new RuleTable<ToySession>()
  .add(ICONST, 'li', (L, inst) => {
    const c = L.ctx;
    c.emit(ti(Op.Li, c.put(c.result(0)), 0, 0, L.f.instImm1[inst] | 0));
    return true;
  })
  .add(IADD, 'add', binary(Op.Add)).add(ISUB, 'sub', binary(Op.Sub)).add(IMUL, 'mul', binary(Op.Mul));

const toyBackend: MachineBackend<TI, TX, { readonly name: string }, ToySession> = {
  name: 'toy',
  lowering: (f) => new ToySession(f),
  // r7 is the allocator's scratch register; r0-r2 carry arguments, r0 the result.
  machineEnv: () => TOY_ENV,
  emit({ vcode, alloc, wantListing }) {
    const buf = new MachBuffer('little', { instructionAlignment: 4 });
    const sink = new EmitSink(buf);
    const listing = new Listing(wantListing);
    const put = (i: TI): void => {
      const at = sink.curOffset();
      sink.put1(i.op);
      sink.put1(i.op === Op.Bnz ? i.ra : i.rd);
      if (i.op === Op.Li || i.op === Op.Spill || i.op === Op.Reload) sink.put2(i.imm);
      else if (i.label >= 0) {
        sink.useLabel(at + 2, i.label, REL16);
        sink.put2(0);
      } else {
        sink.put1(i.ra);
        sink.put1(i.rb);
      }
      listing.add(at, sink.curOffset(), `${NAMES[i.op]} r${i.rd} r${i.ra} r${i.rb}${i.label >= 0 ? ` ${Listing.labelRef(i.label)}` : ''}`);
    };
    emitBody(vcode, alloc, sink, {
      blockStart: (b) => blocksStarted.push(b),
      setReg: (i, field, preg) => { if (field === 0) i.rd = preg; else if (field === 1) i.ra = preg; else i.rb = preg; },
      move: (_c, to, from) => put(ti(Op.Mov, to, from)),
      spill: (_c, from, slot) => put(ti(Op.Spill, from, 0, 0, slot)),
      reload: (_c, to, slot) => put(ti(Op.Reload, to, 0, 0, slot)),
      inst: (i, _k, _b, next) => {
        if (i.op === Op.Args) return;
        if (i.op === Op.Jmp && i.label === next) return; // falls through
        put(i);
      },
    });
    return { buf, frameSize: alloc.numSpillSlots * 4, alignment: 4, listing: (fin) => listing.resolve(fin, sink) };
  },
};
/** Blocks whose start `emitBody` announced (through the optional `blockStart` hook), in order. */
const blocksStarted: number[] = [];

const TOY_ENV = new Env({ preferred: [[3, 4, 5, 6, 0, 1, 2], [], []], nonPreferred: [[], [], []], scratch: [7, undefined, undefined] });

const toyIsa = defineIsa({
  name: 'toy', pointerBytes: 4, endianness: 'little', settings: new SettingsTemplate('toy', [], []), cie: X86_64_CIE,
  features: () => ({ name: 'toy' }), backend: toyBackend,
});

/** Runs toy machine code: r0-r2 = args; returns r0 at `ret`. */
function simulate(code: Uint8Array, args: number[]): number {
  const r = new Int32Array(8);
  const slots = new Int32Array(64);
  args.forEach((a, k) => (r[k] = a));
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  for (let pc = 0, steps = 0; steps < 100_000; steps++) {
    const [op, rd, ra, rb] = code.subarray(pc, pc + 4);
    const imm = view.getInt16(pc + 2, true);
    switch (op as Op) {
      case Op.Li: r[rd] = imm; break;
      case Op.Add: r[rd] = r[ra] + r[rb]; break;
      case Op.Sub: r[rd] = r[ra] - r[rb]; break;
      case Op.Mul: r[rd] = Math.imul(r[ra], r[rb]); break;
      case Op.Mov: r[rd] = r[ra]; break;
      case Op.Spill: slots[imm] = r[rd]; break;
      case Op.Reload: r[rd] = slots[imm]; break;
      case Op.Jmp: pc += imm; continue;
      case Op.Bnz: if (r[rd] !== 0) { pc += imm; continue; } break;
      case Op.Ret: return r[0];
      default: throw new Error(`bad opcode ${op} at ${pc}`);
    }
    pc += 4;
  }
  throw new Error('no ret within 100000 steps');
}

const POW = parseFunction(`function %pow(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iconst.i32 1
    jump block1(v2, v1)
block1(v3: i32, v4: i32):
    brif v4, block2, block3
block2:
    v5 = imul v3, v0
    v6 = iconst.i32 1
    v7 = isub v4, v6
    jump block1(v5, v7)
block3:
    return v3
}`);

describe('the shared compile driver', () => {
  it('compiles through a backend plugged in with defineIsa, and the code runs', () => {
    const isa = toyIsa.create({ architecture: 'toy', vendor: 'unknown', os: 'unknown', environment: 'unknown', binaryFormat: 'elf' }, defaultFlags(), toyIsa.settings.defaults());
    const code = isa.compileFunction(POW, { wantListing: true });
    expect(code.alignment).toBe(4);
    for (const [b, e] of [[3, 4], [2, 10], [-5, 3], [7, 0]]) expect(simulate(code.bytes, [b, e])).toBe(Math.trunc((b ** e) | 0));
    expect(code.listing).toMatch(/bnz r0 r\d r0 0x[0-9a-f]+/);
    expect(code.listing.split('\n').every((l) => /^ {2}[0-9a-f]{4}: {2}/.test(l))).toBe(true);
  });

  it('announces each block before its first instruction (the hook for landing pads)', () => {
    blocksStarted.length = 0;
    compileWith(toyBackend, POW, defaultFlags(), { name: 'toy' });
    expect(blocksStarted.length).toBeGreaterThanOrEqual(4);
    expect(blocksStarted).toEqual(blocksStarted.map((_b, k) => k));
  });

  it('runs the mid-end at opt_level=speed on a copy of the function', () => {
    const b = settingsBuilder();
    b.apply('opt_level=speed');
    const before = POW.countInsts();
    const code = compileWith(toyBackend, POW, b.finish(), { name: 'toy' });
    expect(simulate(code.bytes, [3, 5])).toBe(243);
    expect(POW.countInsts()).toBe(before);
  });

  it('reports IR that does not verify, and anything but a Function, as a CodegenError', () => {
    const bad = parseFunction(`function %bad(i32) -> i32 {
block0(v0: i32):
    return v0, v0
}`);
    expect(() => compileWith(toyBackend, bad, defaultFlags(), { name: 'toy' })).toThrow(/does not verify/);
    expect(() => compileWith(toyBackend, { not: 'a function' }, defaultFlags(), { name: 'toy' })).toThrow(CodegenError);
  });

  it('reports an opcode without a rule as a located error', () => {
    const f = parseFunction(`function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = udiv v0, v1
    return v2
}`);
    expect(() => compileWith(toyBackend, f, defaultFlags(), { name: 'toy' })).toThrow(/function %f.*udiv/);
  });
});
