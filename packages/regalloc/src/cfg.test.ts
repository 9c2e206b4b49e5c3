import { describe, expect, it } from 'vitest';
import {
  CriticalEdgeError,
  EditCollector,
  EditSide,
  Env,
  FunctionBuilder,
  InvalidInputError,
  MovePrio,
  Op,
  RegClass,
  UnsatisfiableConstraintError,
  UseBeforeDefError,
  allocate,
  slotAlloc,
  type MachineEnv,
  type RegAllocFunction,
} from './index';

const MODES = ['fast', 'optimizing'] as const;
const env: MachineEnv = {
  preferred: [[0, 1, 2, 3], [8, 9], []],
  nonPreferred: [[4, 5], [10], []],
  scratch: [16, 17, undefined],
};
const noScratch: MachineEnv = { ...env, scratch: undefined };

/**
 * entry: x = arg; jump head(x, 0)
 * head(i, acc): acc2 = acc + i + x (x loop-invariant); i2 = i - 1; br i2 -> back, exit
 * back: jump head(i2, acc2)
 * exit: ret acc2
 */
function loop(swap = false): RegAllocFunction {
  const b = new FunctionBuilder();
  const entry = b.block();
  const head = b.block();
  const back = b.block();
  const exit = b.block();
  const i = b.blockParam(head, RegClass.Int);
  const acc = b.blockParam(head, RegClass.Int);
  b.switchTo(entry);
  const x = b.vreg(RegClass.Int);
  const zero = b.vreg(RegClass.Int);
  b.inst([Op.fixedDef(x, 0)]);
  b.inst([Op.def(zero)]);
  b.branch([{ block: head, args: [x, zero] }]);
  b.switchTo(head);
  const t = b.vreg(RegClass.Int);
  const acc2 = b.vreg(RegClass.Int);
  const i2 = b.vreg(RegClass.Int);
  b.inst([Op.use(acc), Op.use(i), Op.reuseDef(t, 0)]);
  b.inst([Op.use(t), Op.use(x), Op.reuseDef(acc2, 0)]);
  b.inst([Op.use(i), Op.def(i2)]);
  b.branch([{ block: back }, { block: exit }], [Op.use(i2)]);
  b.switchTo(back);
  // With `swap`, the back edge passes the values crossed: a parallel-move cycle.
  b.branch([{ block: head, args: swap ? [acc2, i2] : [i2, acc2] }]);
  b.switchTo(exit);
  b.ret([Op.fixedUse(acc2, 0)]);
  return b.finish();
}

describe('loops', () => {
  it('allocates a loop with a loop-invariant value and block parameters', () => {
    const f = loop();
    for (const mode of MODES) allocate(f, env, { mode, check: true });
  });

  it('keeps the loop body free of spills when registers suffice (optimizing)', () => {
    const f = loop();
    const out = allocate(f, env, { mode: 'optimizing', check: true });
    expect(out.stats.spills + out.stats.reloads).toBe(0);
    const fast = allocate(f, env, { mode: 'fast', check: true });
    expect(fast.stats.spills + fast.stats.reloads).toBeGreaterThan(0);
  });
});

describe('parallel moves', () => {
  it('breaks the cycle of swapped loop parameters, with and without a scratch register', () => {
    const f = loop(true);
    for (const e of [env, noScratch]) for (const mode of MODES) allocate(f, e, { mode, check: true });
  });

  it('sequences a three-register rotation through the scratch register', () => {
    const c = new EditCollector(new Env(env), 2, []);
    c.add(1, EditSide.Before, MovePrio.Split, 0, 1, RegClass.Int);
    c.add(1, EditSide.Before, MovePrio.Split, 1, 2, RegClass.Int);
    c.add(1, EditSide.Before, MovePrio.Split, 2, 0, RegClass.Int);
    c.add(1, EditSide.Before, MovePrio.Split, 3, 4, RegClass.Int);
    const out = c.finish();
    const regs = [10, 11, 12, 13, 14];
    const file = new Map<number, number>(regs.map((v, k) => [k, v]));
    for (let k = 0; k < out.from.length; k++) file.set(out.to[k], file.get(out.from[k])!);
    expect([file.get(0), file.get(1), file.get(2), file.get(4)]).toEqual([12, 10, 11, 13]);
    expect(Array.from(out.to)).toContain(16);
  });

  it('moves stack to stack through the scratch register, or a borrowed one', () => {
    for (const e of [env, noScratch]) {
      const slots: number[] = [RegClass.Int, RegClass.Int];
      const c = new EditCollector(new Env(e), 1, slots);
      c.add(0, EditSide.Before, MovePrio.Split, slotAlloc(0), slotAlloc(1), RegClass.Int);
      c.add(0, EditSide.Before, MovePrio.Split, slotAlloc(1), slotAlloc(0), RegClass.Int);
      const out = c.finish();
      const mem = new Map<number, number>([[slotAlloc(0), 100], [slotAlloc(1), 200], [0, 7]]);
      for (let k = 0; k < out.from.length; k++) {
        const stack = (a: number): boolean => a >= slotAlloc(0);
        expect(stack(out.from[k]) && stack(out.to[k])).toBe(false);
        mem.set(out.to[k], mem.get(out.from[k])!);
      }
      expect([mem.get(slotAlloc(0)), mem.get(slotAlloc(1)), mem.get(0)]).toEqual([200, 100, 7]);
    }
  });
});

describe('critical edges', () => {
  function diamond(split: boolean): RegAllocFunction {
    // entry branches to join directly and through mid: entry->join is critical unless split.
    const b = new FunctionBuilder();
    const entry = b.block();
    const mid = b.block();
    const pad = split ? b.block() : -1;
    const join = b.block();
    const p = b.blockParam(join, RegClass.Int);
    b.switchTo(entry);
    const x = b.vreg(RegClass.Int);
    const y = b.vreg(RegClass.Int);
    b.inst([Op.fixedDef(x, 0), Op.fixedDef(y, 1)]);
    b.branch([{ block: mid }, split ? { block: pad } : { block: join, args: [x] }], [Op.use(y)]);
    b.switchTo(mid);
    const z = b.vreg(RegClass.Int);
    b.inst([Op.use(x), Op.use(y), Op.def(z)]);
    b.branch([{ block: join, args: [z] }]);
    if (split) {
      b.switchTo(pad);
      b.branch([{ block: join, args: [x] }]);
    }
    b.switchTo(join);
    const r = b.vreg(RegClass.Int);
    b.inst([Op.use(p), Op.use(y), Op.def(r)]);
    b.ret([Op.fixedUse(r, 0)]);
    return b.finish();
  }

  it('rejects a critical edge with a typed error naming the branch', () => {
    const f = diamond(false);
    for (const mode of MODES) {
      expect(() => allocate(f, env, { mode })).toThrow(CriticalEdgeError);
      try {
        allocate(f, env, { mode });
      } catch (e) {
        expect((e as CriticalEdgeError).location).toMatchObject({ block: 0, inst: 1 });
      }
    }
  });

  it('puts edge moves before the branch of a single-successor block, else at the target head', () => {
    const f = diamond(true);
    for (const mode of MODES) allocate(f, env, { mode, check: true });
    // The fast allocator keeps every value in its slot, so each edge into the join copies
    // the argument's slot into the parameter's: before mid's jump (inst 3) and pad's (inst 4).
    const out = allocate(f, env, { mode: 'fast' });
    for (const inst of [3, 4]) {
      const [s, e] = out.editRange(inst, EditSide.Before);
      expect(e - s).toBeGreaterThan(0);
    }
  });
});

describe('spilling under pressure', () => {
  it('spills when more values are live than registers exist', () => {
    const b = new FunctionBuilder();
    b.switchTo(b.block());
    const vs: number[] = [];
    for (let k = 0; k < 12; k++) {
      const v = b.vreg(RegClass.Int);
      b.inst([Op.def(v)]);
      vs.push(v);
    }
    let acc = vs[0];
    for (let k = 1; k < 12; k++) {
      const n = b.vreg(RegClass.Int);
      b.inst([Op.use(acc), Op.use(vs[k]), Op.def(n)]);
      acc = n;
    }
    b.ret([Op.fixedUse(acc, 0)]);
    const f = b.finish();
    for (const mode of MODES) {
      const out = allocate(f, env, { mode, check: true });
      expect(out.stats.spills).toBeGreaterThan(0);
      expect(out.numSpillSlots).toBeGreaterThan(0);
    }
    const opt = allocate(f, env, { mode: 'optimizing' });
    const fast = allocate(f, env, { mode: 'fast' });
    expect(opt.stats.spills + opt.stats.reloads).toBeLessThan(fast.stats.spills + fast.stats.reloads);
  });
});

describe('input errors', () => {
  it('reports a use that some path reaches before the definition', () => {
    const b = new FunctionBuilder();
    const entry = b.block();
    const left = b.block();
    const right = b.block();
    const join = b.block();
    b.switchTo(entry);
    const c = b.vreg(RegClass.Int);
    b.inst([Op.fixedDef(c, 0)]);
    b.branch([{ block: left }, { block: right }], [Op.use(c)]);
    b.switchTo(left);
    const v = b.vreg(RegClass.Int);
    b.inst([Op.def(v)]);
    b.branch([{ block: join }]);
    b.switchTo(right);
    b.branch([{ block: join }]);
    b.switchTo(join);
    const useInst = b.ret([Op.fixedUse(v, 0)]);
    const f = b.finish();
    for (const mode of MODES) {
      expect(() => allocate(f, env, { mode })).toThrow(UseBeforeDefError);
      try {
        allocate(f, env, { mode });
      } catch (e) {
        expect((e as UseBeforeDefError).location).toMatchObject({ inst: useInst, vreg: v });
      }
    }
  });

  it('reports two values fixed to one register at once', () => {
    const b = new FunctionBuilder();
    b.switchTo(b.block());
    const x = b.vreg(RegClass.Int);
    const y = b.vreg(RegClass.Int);
    b.inst([Op.def(x)]);
    b.inst([Op.def(y)]);
    const bad = b.inst([Op.fixedUse(x, 1), Op.fixedUse(y, 1)]);
    b.ret();
    const f = b.finish();
    for (const mode of MODES) expect(() => allocate(f, env, { mode })).toThrow(UnsatisfiableConstraintError);
    try {
      allocate(f, env);
    } catch (e) {
      expect((e as UnsatisfiableConstraintError).location.inst).toBe(bad);
    }
  });

  it('reports more simultaneous register operands than registers', () => {
    const b = new FunctionBuilder();
    b.switchTo(b.block());
    const vs = Array.from({ length: 8 }, () => b.vreg(RegClass.Int));
    for (const v of vs) b.inst([Op.def(v)]);
    b.inst(vs.map((v) => Op.use(v)));
    b.ret();
    const f = b.finish();
    for (const mode of MODES) expect(() => allocate(f, env, { mode })).toThrow(UnsatisfiableConstraintError);
  });

  it('reports double definitions, missing terminators and malformed tables', () => {
    const b = new FunctionBuilder();
    b.switchTo(b.block());
    const x = b.vreg(RegClass.Int);
    b.inst([Op.def(x)]);
    b.inst([Op.def(x)]);
    b.ret();
    expect(() => allocate(b.finish(), env)).toThrow(UseBeforeDefError);

    const c = new FunctionBuilder();
    c.switchTo(c.block());
    c.inst([]);
    expect(() => allocate(c.finish(), env)).toThrow(/branch or a return/);

    const ok = loop();
    const broken = { ...ok, opVReg: Int32Array.from(ok.opVReg, (v) => (v === 0 ? 999 : v)) };
    expect(() => allocate(broken, env)).toThrow(InvalidInputError);
    const noSuccs = { ...ok, succs: new Int32Array(0) };
    expect(() => allocate(noSuccs, env)).toThrow(InvalidInputError);
  });
});

describe('spill placement', () => {
  it('stores a value live across calls in a loop once, before the loop', () => {
    // No callee-saved registers: x must sit in its slot across the call in every iteration.
    const callerOnly: MachineEnv = { preferred: [[0, 1, 2, 3], [], []], nonPreferred: [[], [], []], scratch: [16, undefined, undefined] };
    const b = new FunctionBuilder();
    const entry = b.block();
    const head = b.block();
    const back = b.block();
    const exit = b.block();
    b.switchTo(entry);
    const x = b.vreg(RegClass.Int);
    b.inst([Op.def(x)]);
    b.branch([{ block: head }]);
    b.switchTo(head);
    const r = b.vreg(RegClass.Int);
    b.inst([Op.fixedDef(r, 0)], { clobbers: [0, 1, 2, 3] });
    const c = b.vreg(RegClass.Int);
    b.inst([Op.use(x), Op.use(r), Op.def(c)]);
    b.branch([{ block: back }, { block: exit }], [Op.use(c)]);
    b.switchTo(back);
    b.branch([{ block: head }]);
    b.switchTo(exit);
    b.ret([Op.fixedUse(x, 0)]);
    const f = b.finish();
    const out = allocate(f, callerOnly, { mode: 'optimizing', check: true });
    const storesIn = (first: number, end: number): number => {
      let n = 0;
      for (let i = first; i < end; i++) {
        for (const side of [EditSide.Before, EditSide.After]) {
          const [s, e] = out.editRange(i, side);
          for (let k = s; k < e; k++) if (out.editTo[k] >= slotAlloc(0) && out.editFrom[k] < slotAlloc(0)) n++;
        }
      }
      return n;
    };
    expect(storesIn(0, 2)).toBe(1);
    expect(storesIn(2, f.numInsts)).toBe(0);
  });
});
