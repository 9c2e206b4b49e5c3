import { describe, it, expect } from 'vitest';
import { IADD, ISUB, type Inst } from '@windlass/ir';
import { allocate, checkAllocation, Env, OperandKind, OperandPos, Constraint, InstFlag } from '@windlass/regalloc';
import { RuleTable } from './lower';
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
    const v = new VCode<Toy, null>([
      { label: 0, params: [], succs: [1], succArgs: [[0]], insts: [{ defs: [0], uses: [] }, { defs: [], uses: [] }], extras: [null, null], flags: [0, InstFlag.Branch], srclocs: [-1, -1] },
      { label: 1, params: [1], succs: [], succArgs: [], insts: [{ defs: [], uses: [1] }], extras: [null], flags: [InstFlag.Ret], srclocs: [-1] },
    ], Uint8Array.of(0, 0), isa);
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

describe('UnsupportedError', () => {
  it('names what is unsupported and where', () => {
    const e = new UnsupportedError('opcode foo.i32', { func: '%f', inst: 3 });
    expect(e.message).toBe('function %f, inst3: unsupported: opcode foo.i32');
    expect(e.location.inst).toBe(3);
    expect(e).toBeInstanceOf(Error);
  });
});
