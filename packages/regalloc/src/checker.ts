// An allocator-independent proof that an allocation preserves every value: symbolic
// execution over the CFG where each location holds the set of vregs whose current value it
// contains. Meets intersect those sets; a use must find its vreg in its location.

import { analyze, type Analysis } from './analysis';
import { Env, type MachineEnv } from './env';
import { computeLiveness, liveInByBlock } from './liveness';
import type { RegAllocFunction } from './func';
import type { RegAllocOutput } from './output';
import {
  CheckerError,
  Constraint,
  OperandKind,
  OperandPos,
  SLOT_BASE,
  opArg as opArgImport,
  opClass as opClassImport,
  opConstraint as opConstraintImport,
  opKind as opKindImport,
  opPos as opPosImport,
} from './types';
import { formatAlloc } from './output';

// Local bindings of hot helpers: under per-module transforms (tsx, vitest) every read of an
// imported binding goes through a getter, which costs more than the bit operations themselves.
const opArg = opArgImport;
const opClass = opClassImport;
const opConstraint = opConstraintImport;
const opKind = opKindImport;
const opPos = opPosImport;

type State = Map<number, number[]>;

function cloneState(s: State): State {
  const n: State = new Map();
  for (const [k, v] of s) n.set(k, v);
  return n;
}

/** Removes `v` from every location (it is being redefined). */
function kill(s: State, v: number): void {
  for (const [k, set] of s) {
    const i = set.indexOf(v);
    if (i < 0) continue;
    if (set.length === 1) s.delete(k);
    else s.set(k, set.filter((x) => x !== v));
  }
}

function meet(a: State, b: State): State {
  const out: State = new Map();
  for (const [k, sa] of a) {
    const sb = b.get(k);
    if (!sb) continue;
    const both = sa.filter((x) => sb.includes(x));
    if (both.length) out.set(k, both);
  }
  return out;
}

function sameState(a: State, b: State): boolean {
  if (a.size !== b.size) return false;
  for (const [k, sa] of a) {
    const sb = b.get(k);
    if (!sb || sb.length !== sa.length) return false;
    for (const x of sa) if (!sb.includes(x)) return false;
  }
  return true;
}

class Checker {
  private readonly env: Env;

  constructor(
    private readonly f: RegAllocFunction,
    env: MachineEnv | Env,
    private readonly out: RegAllocOutput,
    private readonly analysis?: Analysis,
  ) {
    this.env = env instanceof Env ? env : new Env(env);
  }

  private isStack(a: number): boolean {
    return a >= SLOT_BASE || (a < this.env.numPRegs && this.env.pregIsStack[a] === 1);
  }

  private checkLocation(a: number, cls: number, what: string, loc: { inst?: number; operand?: number; block?: number }): void {
    if (a >= SLOT_BASE) {
      const s = a - SLOT_BASE;
      if (s >= this.out.numSpillSlots) throw new CheckerError(`${what} uses ${formatAlloc(a)} but only ${this.out.numSpillSlots} slots exist`, loc);
      if (this.out.spillSlotClass[s] !== cls) throw new CheckerError(`${what} uses ${formatAlloc(a)} which holds class ${this.out.spillSlotClass[s]}, not ${cls}`, loc);
      return;
    }
    if (!(a >= 0 && a < this.env.numPRegs)) throw new CheckerError(`${what} has no valid location (${a})`, loc);
    if (this.env.pregIsStack[a]) return;
    if (this.env.pregClass[a] !== cls) throw new CheckerError(`${what} uses p${a} which is not a class-${cls} register`, loc);
  }

  private checkOperandConstraints(i: number): void {
    const f = this.f;
    const s = f.instOpStart[i];
    const e = f.instOpStart[i + 1];
    for (let o = s; o < e; o++) {
      const info = f.opInfo[o];
      const a = this.out.allocs[o];
      const loc = { inst: i, operand: o - s, vreg: f.opVReg[o] };
      const cls = opClass(info);
      this.checkLocation(a, cls, 'operand', loc);
      const arg = opArg(info);
      const reg = a < SLOT_BASE && !this.env.pregIsStack[a];
      switch (opConstraint(info)) {
        case Constraint.Reg:
          if (!reg || !this.env.pregAllocatable[a]) throw new CheckerError(`needs an allocatable register, got ${formatAlloc(a)}`, loc);
          break;
        case Constraint.Fixed:
          if (a !== arg) throw new CheckerError(`is fixed to p${arg}, got ${formatAlloc(a)}`, loc);
          break;
        case Constraint.Reuse:
          if (a !== this.out.allocs[s + arg] || !reg) throw new CheckerError(`must reuse operand ${arg}'s register ${formatAlloc(this.out.allocs[s + arg])}, got ${formatAlloc(a)}`, loc);
          break;
        case Constraint.Stack:
          if (!this.isStack(a)) throw new CheckerError(`needs a stack location, got ${formatAlloc(a)}`, loc);
          break;
        default:
          if (reg && !this.env.pregAllocatable[a]) throw new CheckerError(`got the non-allocatable register ${formatAlloc(a)}`, loc);
      }
    }
    // Early defs and late uses span the whole instruction; nothing else may share their location.
    for (let d = s; d < e; d++) {
      const di = f.opInfo[d];
      if (opKind(di) !== OperandKind.Def) continue;
      for (let u = s; u < e; u++) {
        if (u === d) continue;
        const ui = f.opInfo[u];
        if (this.out.allocs[u] !== this.out.allocs[d]) continue;
        const clash = opKind(ui) === OperandKind.Def || opPos(di) === OperandPos.Early || opPos(ui) === OperandPos.Late;
        if (clash) throw new CheckerError(`operands ${d - s} and ${u - s} share ${formatAlloc(this.out.allocs[d])} but are live at the same time`, { inst: i });
      }
    }
    for (let k = f.instClobberStart[i]; k < f.instClobberStart[i + 1]; k++) {
      const c = f.clobbers[k];
      for (let u = s; u < e; u++) {
        const ui = f.opInfo[u];
        const spans = (opKind(ui) === OperandKind.Use && opPos(ui) === OperandPos.Late) || (opKind(ui) === OperandKind.Def && opPos(ui) === OperandPos.Early);
        if (spans && this.out.allocs[u] === c) throw new CheckerError(`operand ${u - s} lives across the instruction in clobbered p${c}`, { inst: i });
      }
    }
  }

  private applyEdits(state: State, inst: number, side: 0 | 1, block: number): void {
    const [s, e] = this.out.editRange(inst, side);
    for (let k = s; k < e; k++) {
      const from = this.out.editFrom[k];
      const to = this.out.editTo[k];
      const cls = this.out.editClass[k];
      const loc = { inst, block };
      this.checkLocation(from, cls, `edit ${k} source`, loc);
      this.checkLocation(to, cls, `edit ${k} destination`, loc);
      if (this.isStack(from) && this.isStack(to)) throw new CheckerError(`edit ${k} moves stack to stack (${formatAlloc(from)} -> ${formatAlloc(to)})`, loc);
      const v = state.get(from);
      if (v) state.set(to, v);
      else state.delete(to);
    }
  }

  private readUses(state: State, i: number, pos: number, block: number, report: boolean): void {
    const f = this.f;
    for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
      const info = f.opInfo[o];
      if (opKind(info) !== OperandKind.Use || opPos(info) !== pos) continue;
      const v = f.opVReg[o];
      const a = this.out.allocs[o];
      if (report && !(state.get(a) ?? []).includes(v)) {
        const has = state.get(a);
        throw new CheckerError(`use of v${v} reads ${formatAlloc(a)} which holds ${has ? has.map((x) => `v${x}`).join(',') : 'no known value'}`, { block, inst: i, operand: o - f.instOpStart[i], vreg: v });
      }
    }
  }

  private writeDefs(state: State, i: number, pos: number): void {
    const f = this.f;
    for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
      const info = f.opInfo[o];
      if (opKind(info) !== OperandKind.Def || opPos(info) !== pos) continue;
      const v = f.opVReg[o];
      kill(state, v);
      state.set(this.out.allocs[o], [v]);
    }
  }

  /** Runs block `b` from `entry`; returns the state at its end. */
  private runBlock(b: number, entry: State, report: boolean): State {
    const f = this.f;
    const state = cloneState(entry);
    for (let i = f.blockInstStart[b]; i < f.blockInstEnd[b]; i++) {
      this.applyEdits(state, i, 0, b);
      this.readUses(state, i, OperandPos.Early, b, report);
      this.writeDefs(state, i, OperandPos.Early);
      for (let k = f.instClobberStart[i]; k < f.instClobberStart[i + 1]; k++) state.delete(f.clobbers[k]);
      this.readUses(state, i, OperandPos.Late, b, report);
      this.writeDefs(state, i, OperandPos.Late);
      this.applyEdits(state, i, 1, b);
    }
    return state;
  }

  /** The state a successor sees along edge `e` of block `b`: args renamed to params. */
  private alongEdge(exit: State, e: number): State {
    const f = this.f;
    const s = f.succs[e];
    const ps = f.blockParamStart[s];
    const np = f.blockParamStart[s + 1] - ps;
    if (np === 0) return exit;
    const out = cloneState(exit);
    for (let j = 0; j < np; j++) kill(out, f.blockParams[ps + j]);
    for (const [loc, set] of exit) {
      let added: number[] | undefined;
      for (let j = 0; j < np; j++) {
        if (set.includes(f.edgeArgs[f.edgeArgStart[e] + j])) (added ??= [...(out.get(loc) ?? [])]).push(f.blockParams[ps + j]);
      }
      if (added) out.set(loc, added);
    }
    return out;
  }

  /**
   * Drops facts about vregs that are dead at the entry of `s`: they are never read again
   * before being redefined, so forgetting them keeps states small without weakening the
   * proof.
   */
  private prune(state: State, s: number, live: { start: Int32Array; vregs: Int32Array }, mark: Int32Array): State {
    const f = this.f;
    for (let k = live.start[s]; k < live.start[s + 1]; k++) mark[live.vregs[k]] = s;
    for (let k = f.blockParamStart[s]; k < f.blockParamStart[s + 1]; k++) mark[f.blockParams[k]] = s;
    const out: State = new Map();
    for (const [loc, set] of state) {
      let keep = true;
      for (const v of set) if (mark[v] !== s) keep = false;
      if (keep) out.set(loc, set);
      else {
        const kept = set.filter((v) => mark[v] === s);
        if (kept.length) out.set(loc, kept);
      }
    }
    return out;
  }

  run(): void {
    const f = this.f;
    const nb = f.numBlocks;
    if (this.out.allocs.length !== f.instOpStart[f.numInsts]) throw new CheckerError('output has a different number of operands than the function');
    const analysis = this.analysis ?? analyze(f, this.env);
    const live = liveInByBlock(f, computeLiveness(f, analysis), analysis.instBlock);
    const mark = new Int32Array(f.numVRegs).fill(-1);
    for (let i = 0; i < f.numInsts; i++) this.checkOperandConstraints(i);
    this.checkCalleeSaved();
    const entry: (State | null)[] = new Array(nb).fill(null);
    entry[0] = new Map();
    const inQueue = new Uint8Array(nb);
    const queue: number[] = [0];
    inQueue[0] = 1;
    for (let head = 0; head < queue.length; head++) {
      const b = queue[head];
      inQueue[b] = 0;
      const exit = this.runBlock(b, entry[b]!, false);
      for (let e = f.blockSuccStart[b]; e < f.blockSuccStart[b + 1]; e++) {
        const s = f.succs[e];
        const incoming = this.prune(this.alongEdge(exit, e), s, live, mark);
        const prev = entry[s];
        const next = prev ? meet(prev, incoming) : incoming;
        if (prev && sameState(prev, next)) continue;
        entry[s] = next;
        if (!inQueue[s]) {
          inQueue[s] = 1;
          queue.push(s);
        }
      }
    }
    for (let b = 0; b < nb; b++) this.runBlock(b, entry[b] ?? new Map(), true);
  }

  private checkCalleeSaved(): void {
    const listed = new Set(this.out.usedCalleeSaved);
    const f = this.f;
    const check = (a: number, where: { inst?: number }): void => {
      if (a < this.env.numPRegs && this.env.pregCalleeSaved[a] && !listed.has(a)) {
        throw new CheckerError(`callee-saved p${a} is written but missing from usedCalleeSaved`, where);
      }
    };
    for (let i = 0; i < f.numInsts; i++) {
      for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) if (opKind(f.opInfo[o]) === OperandKind.Def) check(this.out.allocs[o], { inst: i });
    }
    for (let k = 0; k < this.out.editTo.length; k++) check(this.out.editTo[k], { inst: this.out.editPoint[k] >> 1 });
  }
}

/**
 * Proves `out` correct for `f`: every operand satisfies its constraint, and every use reads a
 * location that holds its vreg's current value on all paths. Throws `CheckerError`.
 */
export function checkAllocation(f: RegAllocFunction, env: MachineEnv | Env, out: RegAllocOutput): void {
  new Checker(f, env, out).run();
}

/** `checkAllocation` reusing the validation and CFG analysis `allocate` already did. */
export function checkAnalyzed(f: RegAllocFunction, env: Env, out: RegAllocOutput, a: Analysis): void {
  new Checker(f, env, out, a).run();
}
