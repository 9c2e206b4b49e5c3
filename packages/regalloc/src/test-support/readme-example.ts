import { EditSide, FunctionBuilder, Op, RegClass, allocate, formatAlloc, type MachineEnv } from '@windlass/regalloc';

const env: MachineEnv = {
  preferred: [[0, 1, 2, 3], [16, 17], []], // per class (int, float, vector); caller-saved first
  nonPreferred: [[4, 5], [18], []], // callee-saved
  scratch: [15, 31, undefined], // optional, reserved for the allocator's moves
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
for (let inst = 0; inst < f.numInsts; inst++) {
  const [s, e] = out.editRange(inst, EditSide.Before);
  for (let k = s; k < e; k++) console.log(`  move ${formatAlloc(out.editFrom[k])} -> ${formatAlloc(out.editTo[k])}`);
  const ops = [];
  for (let k = 0; k < f.instOpStart[inst + 1] - f.instOpStart[inst]; k++) ops.push(formatAlloc(out.allocation(inst, k)));
  console.log(`inst ${inst}: ${ops.join(', ')}`);
}
// inst 0: p0 / inst 1: p1 / move p1 -> p2 / inst 2 / inst 3: p1, p0, p3 / inst 4: p3
// inst 5: p2, p1, p2 / inst 6: p1, p1 / inst 7 / move p2 -> p0 / inst 8: p0
// The loop runs without a single move; out.stats = { moves: 2, spills: 0, reloads: 0, ... }
