// The fast allocator, for unoptimized compiles: every vreg lives in its own spill slot, and
// each instruction gets registers for just its own operands, loaded before and stored after.
// One linear pass, no liveness; the code is slow but the allocation is instant and simple
// enough to trust.

import type { Analysis } from './analysis';
import type { Env } from './env';
import type { RegAllocFunction } from './func';
import { EditCollector, EditSide, MovePrio, buildOutput, type RegAllocOutput } from './output';
import {
  CLASS_NAMES,
  Constraint,
  OperandKind,
  OperandPos,
  UnsatisfiableConstraintError,
  slotAlloc,
  type RegClass,
  opArg as opArgImport,
  opClass as opClassImport,
  opConstraint as opConstraintImport,
  opKind as opKindImport,
  opPos as opPosImport,
} from './types';

// Local bindings of hot helpers: under per-module transforms (tsx, vitest) every read of an
// imported binding goes through a getter, which costs more than the bit operations themselves.
const opArg = opArgImport;
const opClass = opClassImport;
const opConstraint = opConstraintImport;
const opKind = opKindImport;
const opPos = opPosImport;

/** Where the moves of CFG edge `e` (from block `b`) go: before `b`'s branch or at the target's head. */
export function edgeMoveInst(f: RegAllocFunction, b: number, e: number): number {
  return edgeMoveInstTo(f, b, f.succs[e]);
}

/** `edgeMoveInst` for the edge from `b` to `s`. */
export function edgeMoveInstTo(f: RegAllocFunction, b: number, s: number): number {
  const single = f.blockSuccStart[b + 1] - f.blockSuccStart[b] === 1;
  const join = f.blockPredStart[s + 1] - f.blockPredStart[s] > 1;
  return single && join ? f.blockInstEnd[b] - 1 : f.blockInstStart[s];
}

const EARLY = 1;
const LATE = 2;

/** Per-instruction register picking shared by the fast allocator. */
class OperandRegs {
  private readonly taken: Uint8Array;
  /** Filled by index (`length = 0` would drop the storage and make every push allocate). */
  private readonly touched: number[] = [];
  private nTouched = 0;

  constructor(private readonly env: Env) {
    this.taken = new Uint8Array(env.numPRegs);
  }

  reset(): void {
    for (let k = 0; k < this.nTouched; k++) this.taken[this.touched[k]] = 0;
    this.nTouched = 0;
  }

  mark(p: number, when: number): void {
    if (this.taken[p] === 0) this.touched[this.nTouched++] = p;
    this.taken[p] |= when;
  }

  pick(cls: RegClass, when: number, inst: number): number {
    const order = this.env.order[cls];
    for (let k = 0; k < order.length; k++) {
      const p = order[k];
      if ((this.taken[p] & when) === 0) {
        this.mark(p, when);
        return p;
      }
    }
    throw new UnsatisfiableConstraintError(`the instruction needs more ${CLASS_NAMES[cls]} registers than the environment has`, { inst });
  }
}

/**
 * Per vreg: the last instruction that reads it if it never leaves its defining block (its
 * slot can be recycled after that), else -1.
 */
function localLastUse(f: RegAllocFunction, a: Analysis): Int32Array {
  const last = new Int32Array(f.numVRegs);
  for (let v = 0; v < f.numVRegs; v++) last[v] = a.defInst[v] >= 0 ? a.defInst[v] : -1;
  for (let i = 0; i < f.numInsts; i++) {
    for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
      const v = f.opVReg[o];
      if (last[v] < 0) continue;
      if (a.instBlock[a.defInst[v]] !== a.instBlock[i]) last[v] = -1;
      else if (i > last[v]) last[v] = i;
    }
  }
  for (let k = 0; k < f.edgeArgs.length; k++) last[f.edgeArgs[k]] = -1;
  return last;
}

export function allocateFast(f: RegAllocFunction, env: Env, a: Analysis): RegAllocOutput {
  const slotClasses: number[] = [];
  const home = new Int32Array(f.numVRegs).fill(-1);
  // Slots of block-local vregs return to a per-class free list after their last use.
  const free: number[][] = [[], [], []];
  const lastUse = localLastUse(f, a);
  // Filled by index (`length = 0` would drop the storage and make every push allocate).
  const dying: number[] = [];
  let nDying = 0;
  const homeOf = (v: number): number => {
    if (home[v] < 0) {
      const cls = f.vregClass[v];
      // Only block-local vregs take recycled slots: a global one may be live around them.
      const recycled = lastUse[v] >= 0 ? free[cls].pop() : undefined;
      if (recycled !== undefined) home[v] = recycled;
      else {
        home[v] = slotAlloc(slotClasses.length);
        slotClasses.push(cls);
      }
    }
    return home[v];
  };
  const allocs = new Int32Array(f.instOpStart[f.numInsts]).fill(-1);
  const edits = new EditCollector(env, f.numInsts, slotClasses);
  const regs = new OperandRegs(env);
  const vregReg = new Int32Array(f.numVRegs).fill(-1);
  const vregRegInst = new Int32Array(f.numVRegs).fill(-1);

  for (let i = 0; i < f.numInsts; i++) {
    const s = f.instOpStart[i];
    const e = f.instOpStart[i + 1];
    regs.reset();
    // Fixed registers first, then the operands that hold a register across the instruction,
    // then the early-only and late-only ones, so that the scarce cases see the most choice.
    for (let o = s; o < e; o++) {
      const info = f.opInfo[o];
      const c = opConstraint(info);
      if (c === Constraint.Fixed) {
        const p = opArg(info);
        allocs[o] = p;
        if (!env.pregIsStack[p]) regs.mark(p, spans(info) ? EARLY | LATE : opKind(info) === OperandKind.Use ? EARLY : LATE);
      } else if (c === Constraint.Any || c === Constraint.Stack) {
        allocs[o] = homeOf(f.opVReg[o]);
      }
    }
    for (let o = s; o < e; o++) {
      const info = f.opInfo[o];
      if (opConstraint(info) === Constraint.Reg && spans(info)) allocs[o] = regs.pick(opClass(info), EARLY | LATE, i);
    }
    for (let o = s; o < e; o++) {
      const info = f.opInfo[o];
      if (opConstraint(info) !== Constraint.Reg || opKind(info) !== OperandKind.Use || opPos(info) !== OperandPos.Early) continue;
      const v = f.opVReg[o];
      const reused = isReused(f, s, e, o - s);
      if (!reused && vregRegInst[v] === i) {
        allocs[o] = vregReg[v];
        continue;
      }
      allocs[o] = regs.pick(opClass(info), reused ? EARLY | LATE : EARLY, i);
      if (!reused) {
        vregReg[v] = allocs[o];
        vregRegInst[v] = i;
      }
    }
    for (let o = s; o < e; o++) {
      const info = f.opInfo[o];
      const c = opConstraint(info);
      if (c === Constraint.Reg && opKind(info) === OperandKind.Def && opPos(info) === OperandPos.Late) allocs[o] = regs.pick(opClass(info), LATE, i);
      else if (c === Constraint.Reuse) allocs[o] = allocs[s + opArg(info)];
    }
    for (let o = s; o < e; o++) {
      const info = f.opInfo[o];
      const v = f.opVReg[o];
      const cls = opClass(info);
      if (opKind(info) === OperandKind.Use) edits.add(i, EditSide.Before, MovePrio.Operand, homeOf(v), allocs[o], cls);
      else edits.add(i, EditSide.After, MovePrio.Operand, allocs[o], homeOf(v), cls);
      if (lastUse[v] === i) dying[nDying++] = v;
    }
    // Recycled only from the next instruction on: this one may still read or write them.
    for (let k = 0; k < nDying; k++) {
      const v = dying[k];
      if (lastUse[v] !== i) continue;
      lastUse[v] = -2;
      free[f.vregClass[v]].push(home[v]);
    }
    nDying = 0;
  }
  for (let b = 0; b < f.numBlocks; b++) {
    for (let e = f.blockSuccStart[b]; e < f.blockSuccStart[b + 1]; e++) {
      const s = f.succs[e];
      const at = edgeMoveInst(f, b, e);
      for (let k = f.edgeArgStart[e], j = f.blockParamStart[s]; k < f.edgeArgStart[e + 1]; k++, j++) {
        const p = f.blockParams[j];
        edits.add(at, EditSide.Before, (at === f.blockInstStart[s] ? MovePrio.EdgeIn : MovePrio.EdgeOut), homeOf(f.edgeArgs[k]), homeOf(p), f.vregClass[p] as RegClass);
      }
    }
  }
  return buildOutput(env, f, allocs, edits, new Uint8Array(f.numInsts));
}

/** Whether the operand occupies its register through the whole instruction. */
function spans(info: number): boolean {
  return opKind(info) === OperandKind.Use ? opPos(info) === OperandPos.Late : opPos(info) === OperandPos.Early;
}

function isReused(f: RegAllocFunction, s: number, e: number, idx: number): boolean {
  for (let o = s; o < e; o++) {
    const info = f.opInfo[o];
    if (opConstraint(info) === Constraint.Reuse && opArg(info) === idx) return true;
  }
  return false;
}
