import { describe, expect, it } from 'vitest';
import {
  CheckerError,
  Constraint,
  EditSide,
  FunctionBuilder,
  Op,
  RegClass,
  allocate,
  checkAllocation,
  formatAlloc,
  isSlotAlloc,
  type MachineEnv,
  type RegAllocFunction,
  type RegAllocOutput,
} from './index';

const MODES = ['fast', 'optimizing'] as const;

/** A tiny machine: int p0-p3 (p3 callee-saved), float p8-p9, scratch p16/p17, stack arg p20. */
const small: MachineEnv = {
  preferred: [[0, 1, 2], [8], []],
  nonPreferred: [[3], [9], []],
  scratch: [16, 17, undefined],
  fixedStackSlots: [20],
};

function run(f: RegAllocFunction, env: MachineEnv = small): Record<(typeof MODES)[number], RegAllocOutput> {
  const out = {} as Record<(typeof MODES)[number], RegAllocOutput>;
  for (const mode of MODES) out[mode] = allocate(f, env, { mode, check: true });
  return out;
}

/** One block: define args in p0/p1, run `body`, return the value it yields in p0. */
function straight(body: (b: FunctionBuilder, x: number, y: number) => number): { f: RegAllocFunction; inst: number } {
  const b = new FunctionBuilder();
  const entry = b.block();
  b.switchTo(entry);
  const x = b.vreg(RegClass.Int);
  const y = b.vreg(RegClass.Int);
  b.inst([Op.fixedDef(x, 0), Op.fixedDef(y, 1)]);
  const before = 1;
  const r = body(b, x, y);
  b.ret([Op.fixedUse(r, 0)]);
  return { f: b.finish(), inst: before };
}

describe('operand forms', () => {
  it('gives register operands registers of their class', () => {
    const { f, inst } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      b.inst([Op.use(x), Op.use(y), Op.def(z)]);
      return z;
    });
    for (const out of Object.values(run(f))) {
      for (let k = 0; k < 3; k++) expect([0, 1, 2, 3]).toContain(out.allocation(inst, k));
      expect(out.allocation(inst, 0)).not.toBe(out.allocation(inst, 1));
    }
  });

  it('puts fixed operands in their register, moving values in and out', () => {
    const { f, inst } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      // Like x86 shl: the count in p2, the result in p1.
      b.inst([Op.fixedUse(y, 2), Op.use(x), Op.fixedDef(z, 1)]);
      return z;
    });
    for (const out of Object.values(run(f))) {
      expect(out.allocation(inst, 0)).toBe(2);
      expect(out.allocation(inst, 2)).toBe(1);
    }
  });

  it('makes a reuse def share its input register', () => {
    const { f, inst } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      b.inst([Op.use(x), Op.use(y), Op.reuseDef(z, 0)]);
      // x stays live after the instruction, so its value must survive elsewhere.
      const w = b.vreg(RegClass.Int);
      b.inst([Op.use(z), Op.use(x), Op.def(w)]);
      return w;
    });
    for (const out of Object.values(run(f))) {
      expect(out.allocation(inst, 2)).toBe(out.allocation(inst, 0));
      expect(isSlotAlloc(out.allocation(inst, 2))).toBe(false);
    }
  });

  it('places stack-only operands in spill slots and any-location operands anywhere', () => {
    const { f, inst } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      b.inst([Op.stackUse(x), Op.anyUse(y), Op.stackDef(z)]);
      return z;
    });
    for (const out of Object.values(run(f))) {
      expect(isSlotAlloc(out.allocation(inst, 0))).toBe(true);
      expect(isSlotAlloc(out.allocation(inst, 2))).toBe(true);
      expect(out.numSpillSlots).toBeGreaterThan(0);
    }
  });

  it('keeps late uses and early defs apart from the other operands', () => {
    const { f, inst } = straight((b, x, y) => {
      const t = b.vreg(RegClass.Int);
      const z = b.vreg(RegClass.Int);
      b.inst([Op.use(x), Op.lateUse(y), Op.earlyDef(t), Op.def(z)]);
      const w = b.vreg(RegClass.Int);
      b.inst([Op.use(t), Op.use(z), Op.def(w)]);
      return w;
    });
    for (const out of Object.values(run(f))) {
      const a = [0, 1, 2, 3].map((k) => out.allocation(inst, k));
      expect(new Set([a[1], a[2], a[3]]).size).toBe(3);
      expect(a[0]).not.toBe(a[2]);
    }
  });

  it('accepts a fixed stack slot as the location of an incoming argument', () => {
    const b = new FunctionBuilder();
    b.switchTo(b.block());
    const x = b.vreg(RegClass.Int);
    const y = b.vreg(RegClass.Int);
    b.inst([Op.fixedDef(x, 20)]);
    b.inst([Op.use(x), Op.def(y)]);
    b.ret([Op.fixedUse(y, 0)]);
    const f = b.finish();
    for (const out of Object.values(run(f))) expect(out.allocation(0, 0)).toBe(20);
    // Without a scratch register, stack-to-stack traffic borrows a register and restores it.
    for (const out of Object.values(run(f, { ...small, scratch: undefined }))) expect(out.allocation(0, 0)).toBe(20);
  });

  it('handles fixed late uses and fixed early defs, which hold their register throughout', () => {
    const { f, inst } = straight((b, x, y) => {
      const t = b.vreg(RegClass.Int);
      const z = b.vreg(RegClass.Int);
      b.inst([Op.use(x), { vreg: y, kind: 0, pos: 1, constraint: Constraint.Fixed, arg: 2 }, { vreg: t, kind: 1, pos: 0, constraint: Constraint.Fixed, arg: 0 }, Op.def(z)]);
      const w = b.vreg(RegClass.Int);
      b.inst([Op.use(t), Op.use(z), Op.use(y), Op.def(w)]);
      return w;
    });
    for (const out of Object.values(run(f))) {
      expect(out.allocation(inst, 1)).toBe(2);
      expect(out.allocation(inst, 2)).toBe(0);
      expect([out.allocation(inst, 0), out.allocation(inst, 3)]).not.toContain(2);
    }
  });

  it('uses float and vector classes independently of int', () => {
    const b = new FunctionBuilder();
    b.switchTo(b.block());
    const x = b.vreg(RegClass.Float);
    const y = b.vreg(RegClass.Float);
    b.inst([Op.fixedDef(x, 8)]);
    b.inst([Op.use(x), Op.use(x), Op.def(y)]);
    b.ret([Op.fixedUse(y, 8)]);
    const f = b.finish();
    for (const out of Object.values(run(f))) {
      expect([8, 9]).toContain(out.allocation(1, 2));
    }
    const vec: MachineEnv = { preferred: [[0], [8], [24, 25]], nonPreferred: [[], [], []] };
    const c = new FunctionBuilder();
    c.switchTo(c.block());
    const a = c.vreg(RegClass.Vector);
    const d = c.vreg(RegClass.Vector);
    const e = c.vreg(RegClass.Vector);
    c.inst([Op.fixedDef(a, 24), Op.def(d)]);
    c.inst([Op.use(a), Op.use(d), Op.reuseDef(e, 0)]);
    c.ret([Op.fixedUse(e, 25), Op.anyUse(d)]);
    const g = c.finish();
    for (const out of Object.values(run(g, vec))) expect([24, 25]).toContain(out.allocation(1, 2));
  });
});

describe('output walk', () => {
  it('lists edits before and after instructions as single moves', () => {
    const { f } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      b.inst([Op.fixedUse(x, 1), Op.fixedUse(y, 0), Op.fixedDef(z, 2)], { clobbers: [0, 1, 2] });
      return z;
    });
    const out = allocate(f, small, { mode: 'optimizing', check: true });
    const lines: string[] = [];
    for (let i = 0; i < f.numInsts; i++) {
      for (const side of [EditSide.Before, EditSide.After]) {
        const [s, e] = out.editRange(i, side);
        for (let k = s; k < e; k++) lines.push(`${i}${side ? '+' : '-'} ${formatAlloc(out.editFrom[k])} -> ${formatAlloc(out.editTo[k])}`);
      }
    }
    // x and y arrive in p0/p1 and are needed the other way round at the call.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => !/slot.* -> slot/.test(l))).toBe(true);
  });
});

describe('checker', () => {
  function corruptFirstUse(f: RegAllocFunction, out: RegAllocOutput): void {
    for (let i = 0; i < f.numInsts; i++) {
      for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
        if ((f.opInfo[o] & 1) === 0 && ((f.opInfo[o] >> 4) & 7) === Constraint.Reg) {
          out.allocs[o] = out.allocs[o] === 0 ? 1 : 0;
          return;
        }
      }
    }
  }

  it('rejects an allocation where a use reads the wrong register', () => {
    const { f } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      b.inst([Op.use(x), Op.use(y), Op.def(z)]);
      return z;
    });
    for (const mode of MODES) {
      const out = allocate(f, small, { mode });
      corruptFirstUse(f, out);
      expect(() => checkAllocation(f, small, out)).toThrow(CheckerError);
    }
  });

  it('rejects a dropped edit', () => {
    const { f } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      b.inst([Op.fixedUse(x, 1), Op.fixedUse(y, 0), Op.fixedDef(z, 2)], { clobbers: [0, 1, 2] });
      return z;
    });
    const out = allocate(f, small, { mode: 'optimizing' });
    expect(out.numEdits).toBeGreaterThan(0);
    // Turn the first move into a no-op by pointing it at its own source.
    out.editTo[0] = out.editFrom[0] === 3 ? 2 : 3;
    expect(() => checkAllocation(f, small, out)).toThrow(CheckerError);
  });

  it('rejects a wrong fixed register', () => {
    const { f, inst } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      b.inst([Op.fixedUse(y, 2), Op.use(x), Op.fixedDef(z, 1)]);
      return z;
    });
    const out = allocate(f, small, { mode: 'fast' });
    out.allocs[f.instOpStart[inst]] = 1;
    expect(() => checkAllocation(f, small, out)).toThrow(/fixed to p2/);
  });

  it('rejects an output that hides a written callee-saved register', () => {
    const { f } = straight((b, x, y) => {
      const z = b.vreg(RegClass.Int);
      b.inst([Op.use(x), Op.use(y), Op.fixedDef(z, 3)]);
      return z;
    });
    const out = allocate(f, small, { mode: 'optimizing' });
    expect(out.usedCalleeSaved).toEqual([3]);
    Object.defineProperty(out, 'usedCalleeSaved', { value: [] });
    expect(() => checkAllocation(f, small, out)).toThrow(/callee-saved/);
  });
});

describe('fixed-register conflicts and clobbers', () => {
  it('keeps a value live across a call out of clobbered registers', () => {
    const { f } = straight((b, x, y) => {
      const r = b.vreg(RegClass.Int);
      b.inst([Op.fixedUse(y, 0), Op.fixedDef(r, 0)], { clobbers: [0, 1, 2] });
      const z = b.vreg(RegClass.Int);
      b.inst([Op.use(x), Op.use(r), Op.def(z)]);
      return z;
    });
    const out = run(f);
    // Only p3 survives the call; the optimizing allocator keeps x there rather than on the stack.
    expect(out.optimizing.usedCalleeSaved).toEqual([3]);
    expect(out.optimizing.stats.spills).toBe(0);
  });

  it('reads a value in a register at an instruction that clobbers every register, keeping it on the stack across', () => {
    // An indirect call through x that clobbers all int registers, with x used again after it
    // (a `tail` call's target, a stack switch's context): x lives in its spill slot across the
    // call, and the call reads a copy loaded into a register just before it.
    const { f, inst } = straight((b, x, y) => {
      const r = b.vreg(RegClass.Int);
      b.inst([Op.use(x), Op.fixedUse(y, 0), Op.fixedDef(r, 0)], { clobbers: [0, 1, 2, 3] });
      const z = b.vreg(RegClass.Int);
      b.inst([Op.use(x), Op.use(r), Op.def(z)]);
      return z;
    });
    for (const out of Object.values(run(f))) {
      expect(out.allocation(inst, 0) < 4).toBe(true);
      expect(isSlotAlloc(out.allocation(inst + 1, 0)) || out.allocation(inst + 1, 0) < 4).toBe(true);
    }
  });
});
