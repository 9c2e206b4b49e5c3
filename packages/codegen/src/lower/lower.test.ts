import { describe, it, expect } from 'vitest';
import { IADD, ISUB, ICONST, type Inst, type Value, parseFunction, I64 } from '@windlass/ir';
import { allocate, checkAllocation, Env, OperandKind, OperandPos, Constraint, InstFlag } from '@windlass/regalloc';
import { LowerCtx, type LowerBackend, RuleTable } from './lower';
import { VCode, type VCodeIsa } from './vcode';
import { UnsupportedError } from './errors';

describe('RuleTable', () => {
  it('tries rules from the highest priority down and reports when none matched', () => {
    const seen: string[] = [];
    const t = new RuleTable<string[]>()
      .add(IADD, 'general', (log) => (log.push('general'), true))
      .add(IADD, 'special', (log) => (log.push('special'), false), 5)
      .add([IADD, ISUB], 'first', (log) => (log.push('first'), false), 9);
    expect(t.lower(seen, IADD, 0 as Inst)).toBe(true);
    expect(seen).toEqual(['first', 'special', 'general']);
    expect(t.describe(IADD)).toEqual(['first', 'special', 'general']);
    expect(t.lower(seen, ISUB, 0 as Inst)).toBe(false);
  });
});

describe('VCode', () => {
  // A toy ISA: an instruction is [defs, uses]; every operand is any register.
  type Toy = { defs: number[]; uses: number[] };
  const isa: VCodeIsa<Toy, null> = {
    collectOperands(i, _x, sink) {
      for (const u of i.uses) sink.operand(u, OperandKind.Use, OperandPos.Early, Constraint.Reg, 0, 0);
      for (const d of i.defs) sink.operand(d, OperandKind.Def, OperandPos.Late, Constraint.Reg, 0, 1);
    },
  };

  it('gives the register allocator a valid view: blocks, edges with arguments, operands', () => {
    // block L0: v0 = ...; jump L1(v0)   block L1(v1): ret v1
    // The lowered instructions may come in any block order (here L1's first): each block names its range.
    const ret: Toy = { defs: [], uses: [1] };
    const def: Toy = { defs: [0], uses: [] };
    const jump: Toy = { defs: [], uses: [] };
    const insts = [ret, def, jump];
    const flags = [InstFlag.Ret, 0, InstFlag.Branch];
    const lowered = { inst: (k: number) => insts[k], extra: () => null, flags: (k: number) => flags[k], srcloc: (k: number) => [7, 5, 6][k] };
    const v = new VCode<Toy, null>([
      { label: 0, params: [], succs: [1], succArgs: [[0]], start: 1, end: 3 },
      { label: 1, params: [1], succs: [], succArgs: [], start: 0, end: 1 },
    ], lowered, Uint8Array.of(0, 0), isa);
    expect(v.insts).toEqual([def, jump, ret]);
    expect(Array.from(v.instFlags)).toEqual([0, InstFlag.Branch, InstFlag.Ret]);
    expect(Array.from(v.instSrcLoc)).toEqual([5, 6, 7]);
    expect(Array.from(v.blockInstStart)).toEqual([0, 2]);
    const ra = v.toRegAlloc();
    expect(ra.numBlocks).toBe(2);
    expect(Array.from(ra.preds)).toEqual([0]);
    expect(Array.from(ra.edgeArgs)).toEqual([0]);
    const env = new Env({ preferred: [[0, 1], [], []], nonPreferred: [[], [], []] });
    const out = allocate(ra, env, { check: true });
    expect(() => checkAllocation(ra, env, out)).not.toThrow();
    expect(v.opField[0]).toBe(1);
  });
});

describe('LowerCtx', () => {
  // A toy ISA: every value is one Int vreg; an instruction records its opcode, defs and uses.
  type Toy = { op: string; defs: number[]; uses: number[]; label?: number };
  const toy: LowerBackend<Toy, null> = {
    regsFor: (t) => (t === I64 ? [0] : null),
    lowerInst(ctx, inst) {
      const f = ctx.f;
      const op = f.instOpcode[inst];
      if (op !== IADD && op !== ICONST) return false;
      const uses = f.instArgs(inst).map((v) => ctx.put(v));
      ctx.emit({ op: op === IADD ? 'add' : 'const', defs: [ctx.put(ctx.result())], uses });
      return true;
    },
    lowerBranch(ctx, inst, targets) {
      const f = ctx.f;
      ctx.emit({ op: 'br', defs: [], uses: f.instArgs(inst).map((v) => ctx.put(v)), label: targets[0] }, null, InstFlag.Branch);
      return true;
    },
    lowerArgs(ctx, params: readonly Value[]) {
      ctx.emit({ op: 'args', defs: params.map((v) => ctx.put(v)), uses: [] });
    },
    jump: (label) => ({ op: 'jmp', defs: [], uses: [], label }),
    collectOperands(i, _x, sink) {
      for (const u of i.uses) sink.operand(u, OperandKind.Use, OperandPos.Early, Constraint.Reg, 0, 0);
      for (const d of i.defs) sink.operand(d, OperandKind.Def, OperandPos.Late, Constraint.Reg, 0, 1);
    },
  };
  const lower = (text: string): VCode<Toy, null> => new LowerCtx(parseFunction(text), toy).run();
  const summary = (v: VCode<Toy, null>): unknown => ({
    insts: v.insts, labels: Array.from(v.blockLabel), starts: Array.from(v.blockInstStart), flags: Array.from(v.instFlags),
    opVReg: Array.from(v.opVReg), succs: Array.from(v.toRegAlloc().succs), edgeArgs: Array.from(v.toRegAlloc().edgeArgs),
  });
  const small = `function %small(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 5
    v2 = iadd v0, v1
    brif v2, block1(v2), block1(v0)
block1(v3: i64):
    return v3
}`;
  // Many blocks, each with a critical edge pair (split into edge blocks).
  const big = ['function %big(i64) -> i64 {', 'block0(v0: i64):', '    jump block1(v0)'];
  for (let b = 1; b <= 3000; b++) {
    big.push(`block${b}(v${b}: i64):`, `    v${5000 + b} = iadd v${b}, v0`);
    big.push(b < 3000 ? `    brif v${5000 + b}, block${b + 1}(v${5000 + b}), block${b + 1}(v0)` : `    return v${5000 + b}`);
  }
  big.push('}');

  it('lowers the same function the same way after a larger one and after a failure (its storage is reused)', () => {
    const first = summary(lower(small));
    expect((first as { insts: Toy[] }).insts.map((i) => i.op)).toEqual(['args', 'const', 'add', 'br', 'jmp', 'jmp', 'br']);
    expect(lower(big.join('\n')).numInsts).toBeGreaterThan(3 * 3000);
    expect(summary(lower(small))).toEqual(first);
    expect(() => lower('function %f(i64) -> i64 {\nblock0(v0: i64):\n    v1 = isub v0, v0\n    return v1\n}')).toThrow(UnsupportedError);
    expect(summary(lower(small))).toEqual(first);
  });
});

describe('UnsupportedError', () => {
  it('names what is unsupported and where', () => {
    const e = new UnsupportedError('opcode foo.i32', { func: '%f', inst: 3 });
    expect(e.message).toBe('function %f, inst3: unsupported: opcode foo.i32');
    expect(e.location.inst).toBe(3);
    expect(e).toBeInstanceOf(Error);
  });
});
