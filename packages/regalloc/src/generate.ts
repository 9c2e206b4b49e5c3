// A random program generator for tests, fuzzing and benchmarks. Programs are built from
// nested structures (straight code, diamonds with join parameters, loops with header
// parameters), so every use is dominated by its definition and no edge is critical.

import type { MachineEnv } from './env';
import { FunctionBuilder, Op, type OperandSpec, type RegAllocFunction } from './func';
import { Constraint, OperandKind, OperandPos, RegClass, type VReg } from './types';

/** Deterministic 32-bit PRNG (mulberry32), so a seed reproduces a failing program. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * The environment the generator targets: few registers so pressure is real.
 * int p0-p5 caller-saved, p6-p7 callee-saved; float p8-p11 / p12; vector p13-p14 / p15;
 * optional scratch p16-p18; fixed stack slots p20, p21.
 */
export function testEnv(withScratch = true): MachineEnv {
  return {
    preferred: [[0, 1, 2, 3, 4, 5], [8, 9, 10, 11], [13, 14]],
    nonPreferred: [[6, 7], [12], [15]],
    scratch: withScratch ? [16, 17, 18] : undefined,
    fixedStackSlots: [20, 21],
  };
}
const CALLER_SAVED = [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 13, 14];
const INT_ARGS = [0, 1, 2];
const FLOAT_ARGS = [8, 9];

export interface GenerateOptions {
  /** Rough number of instructions to produce. */
  size?: number;
  /** Maximum nesting of diamonds and loops. */
  maxDepth?: number;
}

class Gen {
  readonly b = new FunctionBuilder();
  private live: VReg[] = [];
  private emitted = 0;

  constructor(
    private readonly rng: Rng,
    private readonly target: number,
    private readonly maxDepth: number,
  ) {}

  private cls(): RegClass {
    const r = this.rng.next();
    return r < 0.75 ? RegClass.Int : r < 0.92 ? RegClass.Float : RegClass.Vector;
  }

  private pick(cls: RegClass): VReg | undefined {
    // Mostly recent values; sometimes one from far back (a long live range), as real code
    // does with loop invariants and arguments, while keeping the live set bounded.
    for (let tries = 0; tries < 6; tries++) {
      const n = this.live.length;
      if (!n) return undefined;
      const r = this.rng.next();
      const idx = r < 0.85 ? n - 1 - this.rng.int(Math.min(n, 12)) : r < 0.95 ? n - 1 - this.rng.int(Math.min(n, 40)) : this.rng.int(Math.min(n, 16));
      const v = this.live[idx];
      if (this.classOf[v] === cls) return v;
    }
    for (let k = this.live.length - 1; k >= 0; k--) if (this.classOf[this.live[k]] === cls) return this.live[k];
    return undefined;
  }

  private classOf: number[] = [];

  private newVReg(cls: RegClass): VReg {
    const v = this.b.vreg(cls);
    this.classOf[v] = cls;
    return v;
  }

  private param(block: number, cls: RegClass): VReg {
    const v = this.b.blockParam(block, cls);
    this.classOf[v] = cls;
    return v;
  }

  private define(cls: RegClass): VReg {
    const v = this.newVReg(cls);
    this.live.push(v);
    return v;
  }

  private inst(ops: OperandSpec[], clobbers?: number[]): void {
    this.b.inst(ops, { clobbers });
    this.emitted++;
  }

  /** One random non-branch instruction. */
  private instruction(): void {
    const r = this.rng.next();
    const cls = this.cls();
    const a = this.pick(cls);
    const c = this.pick(cls);
    if (a === undefined || c === undefined || r < 0.12) {
      this.inst([Op.def(this.define(cls))]);
    } else if (r < 0.4) {
      this.inst([Op.use(a), Op.use(c), Op.def(this.define(cls))]);
    } else if (r < 0.5) {
      this.inst([Op.use(a), Op.use(c), Op.reuseDef(this.define(cls), 0)]);
    } else if (r < 0.58) {
      this.b.move(this.define(cls), a);
      this.emitted++;
    } else if (r < 0.65) {
      this.call();
    } else if (r < 0.7) {
      this.inst([Op.anyUse(a), Op.use(c), Op.anyDef(this.define(cls))]);
    } else if (r < 0.74) {
      this.inst([Op.stackUse(a), Op.def(this.define(cls))]);
    } else if (r < 0.78) {
      this.inst([Op.use(a), Op.lateUse(c), Op.def(this.define(cls))]);
    } else if (r < 0.82) {
      this.inst([Op.use(a), Op.earlyDef(this.define(cls)), Op.def(this.define(cls))]);
    } else if (r < 0.86 && cls === RegClass.Int) {
      // A shift-like instruction: the count in a fixed register.
      this.inst([Op.use(a), Op.fixedUse(c, 2), Op.reuseDef(this.define(cls), 0)]);
    } else if (r < 0.9 && cls === RegClass.Int) {
      // A divide-like instruction: fixed inputs and outputs, one extra clobber.
      this.inst([Op.fixedUse(a, 0), Op.use(c), Op.fixedDef(this.define(cls), 0), Op.fixedDef(this.define(cls), 3)], [3]);
    } else if (r < 0.915 && cls === RegClass.Int) {
      // A fixed late use and a fixed early def: both hold their register throughout.
      this.inst([Op.use(a), { vreg: c, kind: OperandKind.Use, pos: OperandPos.Late, constraint: Constraint.Fixed, arg: 1 }, { vreg: this.define(cls), kind: OperandKind.Def, pos: OperandPos.Early, constraint: Constraint.Fixed, arg: 4 }, Op.def(this.define(cls))]);
    } else if (r < 0.93) {
      this.inst([Op.stackDef(this.define(cls))]);
    } else {
      this.inst([Op.use(a), Op.use(a), Op.use(c), Op.def(this.define(cls))]);
    }
  }

  private call(): void {
    const ops: OperandSpec[] = [];
    const n = this.rng.int(4);
    for (let k = 0; k < n; k++) {
      const v = this.pick(RegClass.Int);
      if (v !== undefined) ops.push(Op.fixedUse(v, INT_ARGS[k % INT_ARGS.length]));
    }
    const fv = this.pick(RegClass.Float);
    if (fv !== undefined && this.rng.chance(0.5)) ops.push(Op.fixedUse(fv, FLOAT_ARGS[0]));
    // Two arguments must not claim one register (k wraps around INT_ARGS).
    const seen = new Set<number>();
    const filtered = ops.filter((o) => !seen.has(o.arg!) && (seen.add(o.arg!), true));
    if (this.rng.chance(0.7)) filtered.push(Op.fixedDef(this.define(RegClass.Int), 0));
    if (this.rng.chance(0.2)) filtered.push(Op.fixedDef(this.define(RegClass.Float), 8));
    this.inst(filtered, CALLER_SAVED);
  }

  private straight(n: number): void {
    for (let k = 0; k < n && this.emitted < this.target; k++) this.instruction();
  }

  private args(params: VReg[]): VReg[] {
    return params.map((p) => this.pick(this.classOf[p] as RegClass) ?? this.materialize(this.classOf[p] as RegClass));
  }

  /** Emits a region starting in the current block `cur`; returns the block it ends in. */
  region(cur: number, depth: number): number {
    while (this.emitted < this.target) {
      const r = this.rng.next();
      if (depth < this.maxDepth && r < 0.15) cur = this.diamond(cur, depth);
      else if (depth < this.maxDepth && r < 0.27) cur = this.loop(depth);
      else this.straight(1 + this.rng.int(8));
      if (depth > 0 && this.rng.chance(0.3)) break;
    }
    return cur;
  }

  private freshClasses(n: number): RegClass[] {
    return Array.from({ length: n }, () => this.cls());
  }

  private condition(): OperandSpec[] {
    const v = this.pick(RegClass.Int);
    return v === undefined ? [] : [Op.use(v)];
  }

  private diamond(cur: number, depth: number): number {
    const saved = this.live.slice();
    const thenB = this.b.block();
    const elseB = this.b.block();
    const join = this.b.block();
    const joinParams = this.freshClasses(this.rng.int(3)).map((c) => this.param(join, c));
    this.b.branch([{ block: thenB }, { block: elseB }], this.condition());
    this.emitted++;
    this.b.switchTo(thenB);
    this.region(thenB, depth + 1);
    this.b.branch([{ block: join, args: this.args(joinParams) }]);
    this.emitted++;
    this.live = saved.slice();
    this.b.switchTo(elseB);
    this.region(elseB, depth + 1);
    this.b.branch([{ block: join, args: this.args(joinParams) }]);
    this.emitted++;
    this.live = saved;
    this.b.switchTo(join);
    this.live.push(...joinParams);
    return join;
  }

  private loop(depth: number): number {
    const header = this.b.block();
    const headerParams = this.freshClasses(1 + this.rng.int(3)).map((c) => this.param(header, c));
    const entryArgs = headerParams.map((p) => this.pick(this.classOf[p] as RegClass) ?? this.materialize(this.classOf[p] as RegClass));
    this.b.branch([{ block: header, args: entryArgs }]);
    this.emitted++;
    const saved = this.live.slice();
    this.b.switchTo(header);
    this.live.push(...headerParams);
    const atHeader = this.live.slice();
    this.region(header, depth + 1);
    const back = this.b.block();
    const exit = this.b.block();
    const backArgs = this.args(headerParams);
    this.b.branch([{ block: back }, { block: exit }], this.condition());
    this.emitted++;
    this.b.switchTo(back);
    this.b.branch([{ block: header, args: backArgs }]);
    this.emitted++;
    this.b.switchTo(exit);
    this.live = this.rng.chance(0.5) ? atHeader : saved.concat(headerParams);
    return exit;
  }

  private materialize(cls: RegClass): VReg {
    const v = this.define(cls);
    this.inst([Op.def(v)]);
    return v;
  }

  generate(): RegAllocFunction {
    const entry = this.b.block();
    this.b.switchTo(entry);
    // Incoming arguments: registers and stack slots, defined by one pseudo-instruction.
    const a0 = this.define(RegClass.Int);
    const a1 = this.define(RegClass.Int);
    const a2 = this.define(RegClass.Int);
    const f0 = this.define(RegClass.Float);
    this.inst([Op.fixedDef(a0, 0), Op.fixedDef(a1, 1), Op.fixedDef(a2, 20), Op.fixedDef(f0, 8)]);
    this.region(entry, 0);
    const rets: OperandSpec[] = [];
    const r0 = this.pick(RegClass.Int);
    if (r0 !== undefined) rets.push(Op.fixedUse(r0, 0));
    const r1 = this.pick(RegClass.Float);
    if (r1 !== undefined && this.rng.chance(0.5)) rets.push(Op.fixedUse(r1, 8));
    const r2 = this.pick(RegClass.Int);
    if (r2 !== undefined && this.rng.chance(0.3)) rets.push(Op.anyUse(r2));
    this.b.ret(rets);
    return this.b.finish();
  }
}

/** A random valid function of roughly `opts.size` instructions (default 40). */
export function generateFunction(seed: number, opts: GenerateOptions = {}): RegAllocFunction {
  const size = opts.size ?? 40;
  return new Gen(new Rng(seed), size, opts.maxDepth ?? (size > 200 ? 6 : 3)).generate();
}
