// Validation of the client's function against the interface rules, and the CFG facts both
// allocators and the checker need (reverse postorder, dominators, loop depth, def sites).

import type { Env } from './env';
import type { RegAllocFunction } from './func';
import { ScratchI32, ScratchU8 } from './scratch';
import {
  CLASS_NAMES,
  Constraint,
  CriticalEdgeError,
  InstFlag,
  InvalidEnvError,
  InvalidInputError,
  OperandKind,
  OperandPos,
  UnsatisfiableConstraintError,
  UseBeforeDefError,
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

export interface Analysis {
  readonly instBlock: Int32Array;
  /** Blocks in reverse postorder (all blocks are reachable). */
  readonly rpo: Int32Array;
  readonly idom: Int32Array;
  /** Loop nesting depth per block (natural loops of back edges). */
  readonly loopDepth: Uint8Array;
  /** Per vreg: defining operand index, or -1 if it is a block parameter. */
  readonly defOp: Int32Array;
  /** Per vreg: defining instruction, or the block (negated minus one) for block params. */
  readonly defInst: Int32Array;
  readonly numEdges: number;
}

// Temporaries of one `analyze` call (see scratch.ts); nothing in the returned Analysis.
const sPredCount = new ScratchI32();
const sBalance = new ScratchI32();
const sInStart = new ScratchI32();
const sInFill = new ScratchI32();
const sInSrc = new ScratchI32();
const sEarlyOwner = new ScratchI32();
const sLateOwner = new ScratchI32();
const sState = new ScratchU8();
const sOrder = new ScratchI32();
const sChildStart = new ScratchI32();
const sChildFill = new ScratchI32();
const sChildren = new ScratchI32();
const sPre = new ScratchI32();
const sPost = new ScratchI32();
const sLoopMark = new ScratchI32();
// Tables of a temporary analysis (`analyzeWith(..., true)`).
const sInstBlock = new ScratchI32();
const sDefOp = new ScratchI32();
const sDefInst = new ScratchI32();
const sIdom = new ScratchI32();
const sLoopDepth = new ScratchU8();

function checkLen(what: string, arr: ArrayLike<number>, n: number): void {
  if (!arr || arr.length < n) throw new InvalidInputError(`${what} must have at least ${n} entries`);
}

function checkCsr(what: string, start: ArrayLike<number>, n: number, pool: ArrayLike<number>): void {
  checkLen(what, start, n + 1);
  if (start[0] !== 0) throw new InvalidInputError(`${what}[0] must be 0`);
  for (let i = 0; i < n; i++) {
    if (start[i + 1] < start[i]) throw new InvalidInputError(`${what} must be non-decreasing (at ${i})`);
  }
  if (start[n] > pool.length) throw new InvalidInputError(`${what}[${n}] exceeds its pool's length`);
}

function checkShape(f: RegAllocFunction): void {
  const nb = f.numBlocks;
  const ni = f.numInsts;
  if (!Number.isInteger(nb) || nb < 1) throw new InvalidInputError('a function needs at least one block');
  if (!Number.isInteger(ni) || ni < 1) throw new InvalidInputError('a function needs at least one instruction');
  checkLen('vregClass', f.vregClass, f.numVRegs);
  checkLen('blockInstStart', f.blockInstStart, nb);
  checkLen('blockInstEnd', f.blockInstEnd, nb);
  checkCsr('blockSuccStart', f.blockSuccStart, nb, f.succs);
  checkCsr('blockPredStart', f.blockPredStart, nb, f.preds);
  checkCsr('blockParamStart', f.blockParamStart, nb, f.blockParams);
  checkCsr('edgeArgStart', f.edgeArgStart, f.blockSuccStart[nb], f.edgeArgs);
  checkCsr('instOpStart', f.instOpStart, ni, f.opVReg);
  checkLen('opInfo', f.opInfo, f.instOpStart[ni]);
  checkCsr('instClobberStart', f.instClobberStart, ni, f.clobbers);
  checkLen('instFlags', f.instFlags, ni);
  let expect = 0;
  for (let b = 0; b < nb; b++) {
    if (f.blockInstStart[b] !== expect) {
      throw new InvalidInputError(`block starts at inst ${f.blockInstStart[b]}, expected ${expect}: blocks must hold contiguous ranges in order`, { block: b });
    }
    if (f.blockInstEnd[b] <= f.blockInstStart[b]) throw new InvalidInputError('block is empty; every block ends with a branch or return', { block: b });
    expect = f.blockInstEnd[b];
  }
  if (expect !== ni) throw new InvalidInputError(`blocks cover ${expect} instructions but numInsts is ${ni}`);
  for (let v = 0; v < f.numVRegs; v++) {
    if (f.vregClass[v] > 2) throw new InvalidInputError(`vreg class ${f.vregClass[v]} is not int(0), float(1) or vector(2)`, { vreg: v });
  }
}

function checkCfg(f: RegAllocFunction): void {
  const nb = f.numBlocks;
  const predCount = sPredCount.take(nb);
  for (let b = 0; b < nb; b++) {
    const last = f.blockInstEnd[b] - 1;
    for (let i = f.blockInstStart[b]; i < last; i++) {
      if (f.instFlags[i] & (InstFlag.Branch | InstFlag.Ret)) {
        throw new InvalidInputError('branch or return in the middle of a block; it must be the last instruction', { block: b, inst: i });
      }
    }
    const flags = f.instFlags[last];
    const ns = f.blockSuccStart[b + 1] - f.blockSuccStart[b];
    if (flags & InstFlag.Ret) {
      if (ns !== 0) throw new InvalidInputError('a block ending in a return cannot have successors', { block: b, inst: last });
    } else if (flags & InstFlag.Branch) {
      if (ns === 0) throw new InvalidInputError('a block ending in a branch needs at least one successor', { block: b, inst: last });
    } else {
      throw new InvalidInputError('the last instruction of a block must be a branch or a return', { block: b, inst: last });
    }
    for (let k = f.blockSuccStart[b]; k < f.blockSuccStart[b + 1]; k++) {
      const s = f.succs[k];
      if (!Number.isInteger(s) || s < 0 || s >= nb) throw new InvalidInputError(`successor ${s} is not a block`, { block: b });
      predCount[s]++;
      const np = f.blockParamStart[s + 1] - f.blockParamStart[s];
      const na = f.edgeArgStart[k + 1] - f.edgeArgStart[k];
      if (np !== na) throw new InvalidInputError(`branch passes ${na} args to block ${s} which has ${np} params`, { block: b, inst: last });
    }
  }
  // The predecessor lists must be exactly the edges, as multisets: count each block's
  // incoming edges per source up, its listed predecessors down, and expect zeros.
  const balance = sBalance.take(nb);
  const inStart = sInStart.take(nb + 1);
  for (let k = 0; k < f.blockSuccStart[nb]; k++) inStart[f.succs[k] + 1]++;
  for (let b = 0; b < nb; b++) inStart[b + 1] += inStart[b];
  const inFill = sInFill.take(nb);
  inFill.set(inStart.subarray(0, nb));
  const inSrc = sInSrc.take(f.blockSuccStart[nb]);
  for (let b = 0; b < nb; b++) for (let k = f.blockSuccStart[b]; k < f.blockSuccStart[b + 1]; k++) inSrc[inFill[f.succs[k]]++] = b;
  for (let b = 0; b < nb; b++) {
    const np = f.blockPredStart[b + 1] - f.blockPredStart[b];
    if (np !== predCount[b]) throw new InvalidInputError(`block has ${np} predecessors listed but ${predCount[b]} incoming edges`, { block: b });
    for (let k = inStart[b]; k < inStart[b + 1]; k++) balance[inSrc[k]]++;
    let ok = true;
    for (let k = f.blockPredStart[b]; k < f.blockPredStart[b + 1]; k++) {
      const p = f.preds[k];
      if (!(p >= 0 && p < nb) || balance[p] === 0) ok = false;
      else balance[p]--;
    }
    for (let k = inStart[b]; k < inStart[b + 1]; k++) balance[inSrc[k]] = 0;
    if (!ok) {
      const listed = Array.from(f.preds.subarray(f.blockPredStart[b], f.blockPredStart[b + 1]));
      const want = Array.from(inSrc.subarray(inStart[b], inStart[b + 1]));
      throw new InvalidInputError(`predecessor list [${listed.join(', ')}] does not match the incoming edges from [${want.join(', ')}]`, { block: b });
    }
  }
  for (let b = 0; b < nb; b++) {
    if (f.blockSuccStart[b + 1] - f.blockSuccStart[b] !== 1) continue;
    const s = f.succs[f.blockSuccStart[b]];
    const last = f.blockInstEnd[b] - 1;
    if (f.blockPredStart[s + 1] - f.blockPredStart[s] > 1 && f.instOpStart[last + 1] > f.instOpStart[last]) {
      throw new InvalidInputError(`a branch to a join block (${s}) cannot have operands: the edge moves go before it; pass values as branch arguments`, { block: b, inst: last });
    }
  }
  if (f.blockParamStart[1] !== f.blockParamStart[0]) {
    throw new InvalidInputError('the entry block cannot have parameters; define arguments with fixed defs on its first instruction', { block: 0 });
  }
  for (let b = 0; b < nb; b++) {
    const ns = f.blockSuccStart[b + 1] - f.blockSuccStart[b];
    if (ns < 2) continue;
    for (let k = f.blockSuccStart[b]; k < f.blockSuccStart[b + 1]; k++) {
      const s = f.succs[k];
      if (f.blockPredStart[s + 1] - f.blockPredStart[s] > 1) {
        throw new CriticalEdgeError(`edge to block ${s} is critical (source has ${ns} successors, target several predecessors); split it with an empty block`, { block: b, inst: f.blockInstEnd[b] - 1 });
      }
    }
  }
}

function checkOperands(f: RegAllocFunction, env: Env, defOp: Int32Array, defInst: Int32Array): void {
  const nv = f.numVRegs;
  defOp.fill(-2);
  for (let b = 0; b < f.numBlocks; b++) {
    for (let k = f.blockParamStart[b]; k < f.blockParamStart[b + 1]; k++) {
      const v = f.blockParams[k];
      if (!(v >= 0 && v < nv)) throw new InvalidInputError(`block parameter ${v} is not a vreg`, { block: b });
      if (defOp[v] !== -2) throw new UseBeforeDefError('vreg is defined more than once (the input must be SSA)', { block: b, vreg: v });
      defOp[v] = -1;
      defInst[v] = -1 - b;
    }
    for (let e = f.blockSuccStart[b]; e < f.blockSuccStart[b + 1]; e++) {
      const s = f.succs[e];
      for (let k = f.edgeArgStart[e], j = f.blockParamStart[s]; k < f.edgeArgStart[e + 1]; k++, j++) {
        const v = f.edgeArgs[k];
        if (!(v >= 0 && v < nv)) throw new InvalidInputError(`branch argument ${v} is not a vreg`, { block: b, inst: f.blockInstEnd[b] - 1 });
        if (f.vregClass[v] !== f.vregClass[f.blockParams[j]]) {
          throw new InvalidInputError(`branch argument v${v} has class ${CLASS_NAMES[f.vregClass[v]]} but block ${s}'s parameter is ${CLASS_NAMES[f.vregClass[f.blockParams[j]]]}`, { block: b, inst: f.blockInstEnd[b] - 1 });
        }
      }
    }
  }
  for (let i = 0; i < f.numInsts; i++) {
    const s = f.instOpStart[i];
    const e = f.instOpStart[i + 1];
    const flags = f.instFlags[i];
    let uses = 0;
    let defs = 0;
    for (let o = s; o < e; o++) {
      const v = f.opVReg[o];
      const info = f.opInfo[o];
      if (!(v >= 0 && v < nv)) throw new InvalidInputError(`operand vreg ${v} is out of range`, { inst: i, operand: o - s });
      const cls = opClass(info);
      if (cls !== f.vregClass[v]) throw new InvalidInputError(`operand class ${CLASS_NAMES[cls] ?? cls} differs from v${v}'s class ${CLASS_NAMES[f.vregClass[v]]}`, { inst: i, operand: o - s });
      const c = opConstraint(info);
      const arg = opArg(info);
      if (c > Constraint.Stack) throw new InvalidInputError(`unknown constraint ${c}`, { inst: i, operand: o - s });
      if ((c === Constraint.Reg || c === Constraint.Reuse) && !env.classHasRegs(cls)) {
        throw new InvalidEnvError(`operand needs a ${CLASS_NAMES[cls]} register but the environment has none`, { inst: i, operand: o - s });
      }
      if (c === Constraint.Fixed) {
        if (!(arg < env.numPRegs && (env.pregIsStack[arg] || env.pregClass[arg] === cls))) {
          throw new InvalidInputError(`fixed register ${arg} is not a ${CLASS_NAMES[cls]} register or fixed stack slot of the environment`, { inst: i, operand: o - s });
        }
        if (env.scratch[cls] === arg) throw new InvalidInputError(`fixed register ${arg} is the reserved scratch register`, { inst: i, operand: o - s });
      }
      if (opKind(info) === OperandKind.Use) {
        uses++;
        if (c === Constraint.Reuse) throw new InvalidInputError('a use cannot have a reuse constraint', { inst: i, operand: o - s });
      } else {
        defs++;
        if (flags & (InstFlag.Branch | InstFlag.Ret)) throw new InvalidInputError('branches and returns cannot define vregs', { inst: i, operand: o - s });
        if (defOp[v] !== -2) throw new UseBeforeDefError('vreg is defined more than once (the input must be SSA)', { inst: i, operand: o - s, vreg: v });
        defOp[v] = o;
        defInst[v] = i;
        if (c === Constraint.Reuse) {
          const t = s + arg;
          if (arg >= e - s || opKind(f.opInfo[t]) !== OperandKind.Use || opConstraint(f.opInfo[t]) !== Constraint.Reg || opPos(f.opInfo[t]) !== OperandPos.Early) {
            throw new InvalidInputError(`reuse constraint must name an early use with a register constraint (operand ${arg} is not)`, { inst: i, operand: o - s });
          }
          if (opClass(f.opInfo[t]) !== cls) throw new InvalidInputError('reused input has a different class', { inst: i, operand: o - s });
          if (opPos(info) !== OperandPos.Late) throw new InvalidInputError('a reuse def must be late', { inst: i, operand: o - s });
        }
      }
    }
    if (flags & InstFlag.Move) {
      if (uses !== 1 || defs !== 1) throw new InvalidInputError('a move has exactly one use and one def', { inst: i });
    }
    for (let k = f.instClobberStart[i]; k < f.instClobberStart[i + 1]; k++) {
      const p = f.clobbers[k];
      if (!(p >= 0 && p < env.numPRegs && env.pregClass[p] >= 0)) throw new InvalidInputError(`clobbered register ${p} is not a register of the environment`, { inst: i });
    }
  }
}

function checkFixedConflicts(f: RegAllocFunction, env: Env): void {
  // Two different vregs fixed to one register at overlapping points can never be satisfied.
  // Late uses and early defs occupy the register through the whole instruction.
  const earlyOwner = sEarlyOwner.take(env.numPRegs, -1);
  const lateOwner = sLateOwner.take(env.numPRegs, -1);
  // Filled by index and emptied by resetting the count: `length = 0` drops an array's
  // storage, so the next push would allocate it again.
  const touched: number[] = [];
  let nTouched = 0;
  for (let i = 0; i < f.numInsts; i++) {
    for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
      const info = f.opInfo[o];
      if (opConstraint(info) !== Constraint.Fixed) continue;
      const p = opArg(info);
      const v = f.opVReg[o];
      const early = opKind(info) === OperandKind.Use || opPos(info) === OperandPos.Early;
      const late = opKind(info) === OperandKind.Def || opPos(info) === OperandPos.Late;
      for (let pass = 0; pass < 2; pass++) {
        const owner = pass === 0 ? earlyOwner : lateOwner;
        if (!(pass === 0 ? early : late)) continue;
        if (owner[p] >= 0 && owner[p] !== v) {
          throw new UnsatisfiableConstraintError(`v${owner[p]} and v${v} are both fixed to register ${p} at the same point`, { inst: i, operand: o - f.instOpStart[i] });
        }
        owner[p] = v;
        touched[nTouched++] = p;
      }
      if (late && early) {
        for (let k = f.instClobberStart[i]; k < f.instClobberStart[i + 1]; k++) {
          if (f.clobbers[k] === p) throw new UnsatisfiableConstraintError(`operand lives across the instruction in fixed register ${p}, which the instruction clobbers`, { inst: i });
        }
      }
    }
    for (let k = 0; k < nTouched; k++) {
      earlyOwner[touched[k]] = -1;
      lateOwner[touched[k]] = -1;
    }
    nTouched = 0;
  }
}

function computeRpo(f: RegAllocFunction): Int32Array {
  const nb = f.numBlocks;
  const state = sState.take(nb);
  const post: number[] = [];
  const stack: number[] = [0];
  const iter: number[] = [f.blockSuccStart[0]];
  state[0] = 1;
  while (stack.length) {
    const b = stack[stack.length - 1];
    const k = iter[iter.length - 1];
    if (k < f.blockSuccStart[b + 1]) {
      iter[iter.length - 1] = k + 1;
      const s = f.succs[k];
      if (!state[s]) {
        state[s] = 1;
        stack.push(s);
        iter.push(f.blockSuccStart[s]);
      }
    } else {
      post.push(b);
      stack.pop();
      iter.pop();
    }
  }
  if (post.length !== nb) {
    for (let b = 0; b < nb; b++) if (!state[b]) throw new InvalidInputError('block is unreachable from the entry; remove it', { block: b });
  }
  return new Int32Array(post.reverse());
}

/** Immediate dominators, into `idom` (all -1). */
function computeIdom(f: RegAllocFunction, rpo: Int32Array, idom: Int32Array): Int32Array {
  // Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm".
  const nb = f.numBlocks;
  const order = sOrder.take(nb);
  for (let i = 0; i < nb; i++) order[rpo[i]] = i;
  idom[0] = 0;
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 1; i < nb; i++) {
      const b = rpo[i];
      let nd = -1;
      for (let k = f.blockPredStart[b]; k < f.blockPredStart[b + 1]; k++) {
        const p = f.preds[k];
        if (idom[p] < 0) continue;
        if (nd < 0) {
          nd = p;
          continue;
        }
        let x = p;
        let y = nd;
        while (x !== y) {
          while (order[x] > order[y]) x = idom[x];
          while (order[y] > order[x]) y = idom[y];
        }
        nd = x;
      }
      if (nd !== idom[b]) {
        idom[b] = nd;
        changed = true;
      }
    }
  }
  return idom;
}

/** Dominator-tree pre/post numbers so that `a dom b` is two comparisons. */
function domNumbers(nb: number, idom: Int32Array): [Int32Array, Int32Array] {
  const childStart = sChildStart.take(nb + 1);
  for (let b = 1; b < nb; b++) childStart[idom[b] + 1]++;
  for (let b = 0; b < nb; b++) childStart[b + 1] += childStart[b];
  const fill = sChildFill.take(nb);
  fill.set(childStart.subarray(0, nb));
  const children = sChildren.take(Math.max(0, nb - 1));
  for (let b = 1; b < nb; b++) children[fill[idom[b]]++] = b;
  const pre = sPre.take(nb);
  const post = sPost.take(nb);
  let clock = 0;
  const stack = [0];
  const it = [childStart[0]];
  pre[0] = clock++;
  while (stack.length) {
    const b = stack[stack.length - 1];
    const k = it[it.length - 1];
    if (k < childStart[b + 1]) {
      it[it.length - 1] = k + 1;
      const c = children[k];
      pre[c] = clock++;
      stack.push(c);
      it.push(childStart[c]);
    } else {
      post[b] = clock++;
      stack.pop();
      it.pop();
    }
  }
  return [pre, post];
}

/** Loop depth per block, into `depth` (all 0). */
function computeLoopDepth(f: RegAllocFunction, pre: Int32Array, post: Int32Array, depth: Uint8Array): Uint8Array {
  const nb = f.numBlocks;
  const mark = sLoopMark.take(nb, -1);
  const work: number[] = [];
  const dominates = (a: number, b: number): boolean => pre[a] <= pre[b] && post[b] <= post[a];
  for (let h = 0; h < nb; h++) {
    let isHeader = false;
    for (let k = f.blockPredStart[h]; k < f.blockPredStart[h + 1]; k++) {
      const p = f.preds[k];
      if (!dominates(h, p)) continue;
      isHeader = true;
      if (mark[p] !== h) {
        mark[p] = h;
        work.push(p);
      }
    }
    if (!isHeader) continue;
    mark[h] = h;
    if (depth[h] < 255) depth[h]++;
    while (work.length) {
      const b = work.pop()!;
      if (depth[b] < 255) depth[b]++;
      for (let k = f.blockPredStart[b]; k < f.blockPredStart[b + 1]; k++) {
        const p = f.preds[k];
        if (mark[p] !== h) {
          mark[p] = h;
          work.push(p);
        }
      }
    }
  }
  return depth;
}

function checkDominance(f: RegAllocFunction, a: { instBlock: Int32Array; defInst: Int32Array }, pre: Int32Array, post: Int32Array): void {
  const blockOf = (v: number): number => (a.defInst[v] < 0 ? -1 - a.defInst[v] : a.instBlock[a.defInst[v]]);
  const dominates = (x: number, y: number): boolean => pre[x] <= pre[y] && post[y] <= post[x];
  const check = (v: number, block: number, inst: number, operand: number | undefined): void => {
    const d = a.defInst[v];
    const db = blockOf(v);
    if (db === block) {
      if (d >= 0 && d >= inst) throw new UseBeforeDefError('vreg is used before its definition', { block, inst, operand, vreg: v });
      return;
    }
    if (!dominates(db, block)) {
      throw new UseBeforeDefError(`vreg is used on a path that does not pass its definition in block ${db}`, { block, inst, operand, vreg: v });
    }
  };
  for (let b = 0; b < f.numBlocks; b++) {
    for (let i = f.blockInstStart[b]; i < f.blockInstEnd[b]; i++) {
      for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
        if (opKind(f.opInfo[o]) === OperandKind.Use) check(f.opVReg[o], b, i, o - f.instOpStart[i]);
      }
    }
    const last = f.blockInstEnd[b] - 1;
    for (let k = f.edgeArgStart[f.blockSuccStart[b]]; k < f.edgeArgStart[f.blockSuccStart[b + 1]]; k++) {
      const v = f.edgeArgs[k];
      check(v, b, last + 1, undefined);
    }
  }
}

/** Validates `f` against the interface rules (throwing typed errors) and analyzes its CFG. */
export function analyze(f: RegAllocFunction, env: Env): Analysis {
  return analyzeWith(f, env, false);
}

/**
 * `analyze`; with `temporary`, the per-block and per-vreg tables are views of storage that the
 * next temporary analysis reuses (see scratch.ts), for the allocator's own use within one
 * `allocate` call. Without `validate` the input is trusted: only what the allocator cannot
 * work without is checked (fixed-register conflicts, which a valid input may still have), and
 * the structural and SSA checks are skipped.
 */
export function analyzeWith(f: RegAllocFunction, env: Env, temporary: boolean, validate = true): Analysis {
  if (validate) {
    checkShape(f);
    checkCfg(f);
  }
  const nv = f.numVRegs;
  const instBlock = temporary ? sInstBlock.take(f.numInsts) : new Int32Array(f.numInsts);
  for (let b = 0; b < f.numBlocks; b++) instBlock.fill(b, f.blockInstStart[b], f.blockInstEnd[b]);
  const defOp = temporary ? sDefOp.take(nv) : new Int32Array(nv);
  const defInst = temporary ? sDefInst.take(nv, -2) : new Int32Array(nv).fill(-2);
  if (validate) checkOperands(f, env, defOp, defInst);
  else findDefs(f, defOp, defInst);
  checkFixedConflicts(f, env);
  const rpo = computeRpo(f);
  const idom = computeIdom(f, rpo, temporary ? sIdom.take(f.numBlocks, -1) : new Int32Array(f.numBlocks).fill(-1));
  const [pre, post] = domNumbers(f.numBlocks, idom);
  if (validate) checkDominanceSafe(f, instBlock, defInst, defOp, pre, post);
  const loopDepth = computeLoopDepth(f, pre, post, temporary ? sLoopDepth.take(f.numBlocks) : new Uint8Array(f.numBlocks));
  return { instBlock, rpo, idom, loopDepth, defOp, defInst, numEdges: f.blockSuccStart[f.numBlocks] };
}

/** `checkOperands`' definition sites, for trusted input. */
function findDefs(f: RegAllocFunction, defOp: Int32Array, defInst: Int32Array): void {
  defOp.fill(-2);
  for (let b = 0; b < f.numBlocks; b++) {
    for (let k = f.blockParamStart[b]; k < f.blockParamStart[b + 1]; k++) {
      const v = f.blockParams[k];
      defOp[v] = -1;
      defInst[v] = -1 - b;
    }
  }
  for (let i = 0; i < f.numInsts; i++) {
    for (let o = f.instOpStart[i], e = f.instOpStart[i + 1]; o < e; o++) {
      if (opKind(f.opInfo[o]) !== OperandKind.Def) continue;
      const v = f.opVReg[o];
      defOp[v] = o;
      defInst[v] = i;
    }
  }
}

function checkDominanceSafe(f: RegAllocFunction, instBlock: Int32Array, defInst: Int32Array, defOp: Int32Array, pre: Int32Array, post: Int32Array): void {
  const isUndefined = (v: number): boolean => defOp[v] === -2;
  for (let i = 0; i < f.numInsts; i++) {
    for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
      const v = f.opVReg[o];
      if (opKind(f.opInfo[o]) === OperandKind.Use && isUndefined(v)) {
        throw new UseBeforeDefError('vreg is used but never defined', { block: instBlock[i], inst: i, operand: o - f.instOpStart[i], vreg: v });
      }
    }
  }
  for (let k = 0; k < f.edgeArgStart[f.blockSuccStart[f.numBlocks]]; k++) {
    const v = f.edgeArgs[k];
    if (isUndefined(v)) throw new UseBeforeDefError('vreg is passed to a block but never defined', { vreg: v });
  }
  checkDominance(f, { instBlock, defInst }, pre, post);
}
