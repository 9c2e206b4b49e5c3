import { describe, expect, it } from 'vitest';
import { EditSide, FunctionBuilder, Op, RegClass, allocate, formatAlloc, type MachineEnv } from './index';

// The example of the package README, kept runnable.
describe('README example', () => {
  it('allocates a counting loop and walks the result', () => {
    const env: MachineEnv = {
      preferred: [[0, 1, 2, 3], [16, 17], []], // caller-saved first
      nonPreferred: [[4, 5], [18], []], // callee-saved
      scratch: [15, 31, undefined],
    };

    const b = new FunctionBuilder();
    const entry = b.block();
    const loop = b.block();
    const body = b.block();
    const exit = b.block();
    const i = b.blockParam(loop, RegClass.Int);
    const sum = b.blockParam(loop, RegClass.Int);

    b.switchTo(entry);
    const n = b.vreg(RegClass.Int);
    const zero = b.vreg(RegClass.Int);
    b.inst([Op.fixedDef(n, 0)]); // the incoming argument, in p0
    b.inst([Op.def(zero)]);
    b.branch([{ block: loop, args: [zero, zero] }]);

    b.switchTo(loop);
    const done = b.vreg(RegClass.Int);
    b.inst([Op.use(i), Op.use(n), Op.def(done)]); // done = i >= n
    b.branch([{ block: exit }, { block: body }], [Op.use(done)]);

    b.switchTo(body);
    const sum2 = b.vreg(RegClass.Int);
    const i2 = b.vreg(RegClass.Int);
    b.inst([Op.use(sum), Op.use(i), Op.reuseDef(sum2, 0)]); // x86-style two-address add
    b.inst([Op.use(i), Op.reuseDef(i2, 0)]);
    b.branch([{ block: loop, args: [i2, sum2] }]);

    b.switchTo(exit);
    b.ret([Op.fixedUse(sum, 0)]); // the result, in p0

    const f = b.finish();
    const out = allocate(f, env, { mode: 'optimizing', check: true });

    const lines: string[] = [];
    for (let inst = 0; inst < f.numInsts; inst++) {
      const [s, e] = out.editRange(inst, EditSide.Before);
      for (let k = s; k < e; k++) lines.push(`  move ${formatAlloc(out.editFrom[k])} -> ${formatAlloc(out.editTo[k])}`);
      const ops: string[] = [];
      for (let k = 0; k < f.instOpStart[inst + 1] - f.instOpStart[inst]; k++) ops.push(formatAlloc(out.allocation(inst, k)));
      lines.push(`inst ${inst}: ${ops.join(', ')}`);
    }
    expect(lines.length).toBeGreaterThanOrEqual(f.numInsts);
    expect(out.stats.spills + out.stats.reloads).toBe(0);
    expect(out.numSpillSlots).toBe(0);
    expect(out.usedCalleeSaved).toEqual([]);
  });
});
