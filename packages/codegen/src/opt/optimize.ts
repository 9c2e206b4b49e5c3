// The mid-end driver. One walk of the dominator tree simplifies every instruction (constant
// folding, algebraic identities, branches on constants) and numbers pure instructions (GVN
// scoped by the dominator tree); then blocks no branch reaches leave the layout and block
// parameters with one incoming value become that value (another walk follows when either
// changed something); then loop-invariant code motion and dead code elimination.
// See README "Mid-end (`optimize`, `src/opt/`)".

import {
  type Function, type Inst, type Value, type Block, type BlockCall, NONE, INVALID, OPCODES,
  ValueKind, computeCfg, computeDomtree, type DominatorTree, type ControlFlowGraph, JUMP, BRIF, BR_TABLE, ICONST, IADD, ISUB, INEG, ICMP, BAND, BOR, BXOR,
} from '@windlass/ir';
import { isPureOpcode, isRemovableOpcode } from './purity';
import { Simplified, simplifyInst, isConst, constValue, isCommutativeInt, canonicalizeConst } from './simplify';
import { simplifyBlockParams } from './params';
import { hoistLoopInvariants } from './licm';
import { eliminateRedundantLoads } from './alias';
import { normalizeLinear } from './linear';
import { simplifyCompare } from './compare';

export interface OptimizeOptions {
  /** Constant folding and algebraic simplification (default true). */
  simplify?: boolean;
  /** Global value numbering of pure instructions (default true). */
  gvn?: boolean;
  /** Branch folding, unreachable block removal and block parameter simplification (default true). */
  branches?: boolean;
  /** Dead code elimination (default true). */
  dce?: boolean;
  /** Loop-invariant code motion of pure instructions into a preheader (default true). */
  licm?: boolean;
  /** Redundant-load elimination and store-to-load forwarding (default true). */
  alias?: boolean;
}

/** What `optimize` changed. */
export interface OptimizeStats {
  /** Instructions in the layout before and after. */
  instsBefore: number;
  instsAfter: number;
  /** Instructions folded to constants, rewritten or replaced by an existing value. */
  simplified: number;
  /** Instructions replaced by an identical dominating one. */
  gvn: number;
  /** Conditional branches turned into jumps. */
  branchesFolded: number;
  /** Blocks removed from the layout (unreachable). */
  blocksRemoved: number;
  /** Block parameters replaced by the one value every predecessor passes. */
  paramsRemoved: number;
  /** Pure instructions removed because nothing used them. */
  deadRemoved: number;
  /** Instructions hoisted out of loops. */
  hoisted: number;
  /** Loads replaced by an earlier load's or store's value. */
  loadsRemoved: number;
}

/**
 * Optimize `f` in place (callers that must keep their Function pass `f.clone()`). The result
 * verifies whenever the input does, and computes the same results on every input.
 */
export function optimize(f: Function, opts: OptimizeOptions = {}): OptimizeStats {
  const stats: OptimizeStats = {
    instsBefore: f.countInsts(), instsAfter: 0, simplified: 0, gvn: 0, branchesFolded: 0,
    blocksRemoved: 0, paramsRemoved: 0, deadRemoved: 0, hoisted: 0, loadsRemoved: 0,
  };
  if (f.firstBlock === NONE) {
    stats.instsAfter = stats.instsBefore;
    return stats;
  }
  const doSimplify = opts.simplify !== false;
  const doGvn = opts.gvn !== false;
  const doBranches = opts.branches !== false;
  const last = f.blockLastInst[f.firstBlock];
  if (f.blockNext[f.firstBlock] === NONE && (last === NONE || !OPCODES[f.instOpcode[last]].isBranch)) {
    // One block and no branch (most small functions): no CFG, dominator tree or loops needed.
    walk(f, null, doSimplify, doGvn, doBranches, stats);
    // Loads go once addresses are simplified and numbered (two `stack_addr ss0` are one value).
    if (opts.alias !== false && removeLoads(f, undefined, undefined, stats)) walk(f, null, doSimplify, doGvn, doBranches, stats);
    f.resolveAllAliases();
    if (opts.dce !== false) stats.deadRemoved += eliminateDeadCode(f);
    dropAliases(f);
    stats.instsAfter = f.countInsts();
    return stats;
  }
  // The CFG and dominator tree stay valid until a branch folds or a block leaves the layout.
  let cfg = computeCfg(f);
  let dt = computeDomtree(f, cfg);
  let loadsDone = opts.alias === false;
  for (let round = 0; round < 4; round++) {
    const folded = stats.branchesFolded;
    const params = stats.paramsRemoved;
    walk(f, dt, doSimplify, doGvn, doBranches, stats);
    // Loads go once addresses are simplified and numbered; what they forward simplifies next round.
    let loadsRemoved = false;
    if (!loadsDone) {
      loadsDone = true;
      f.resolveAllAliases();
      loadsRemoved = removeLoads(f, cfg, dt, stats);
    }
    if (doBranches) {
      if (stats.branchesFolded !== folded) {
        cfg = computeCfg(f);
        dt = computeDomtree(f, cfg);
      }
      if (removeUnreachable(f, dt, stats) > 0) {
        cfg = computeCfg(f);
        dt = computeDomtree(f, cfg);
      }
      f.resolveAllAliases();
      simplifyBlockParams(f, stats);
    }
    f.resolveAllAliases();
    // Another round pays only when a branch folded, a block parameter became a known value or
    // a load was replaced.
    if (stats.branchesFolded === folded && stats.paramsRemoved === params && !loadsRemoved) break;
  }
  if (opts.licm !== false) stats.hoisted += hoistLoopInvariants(f, cfg, dt);
  if (opts.dce !== false) stats.deadRemoved += eliminateDeadCode(f);
  dropAliases(f);
  stats.instsAfter = f.countInsts();
  return stats;
}

/**
 * Every use goes to its alias's target, then the aliases go: the optimized function prints
 * without `v3 -> v1` lines, as a function built from scratch would.
 */
function dropAliases(f: Function): void {
  f.resolveAllAliases();
  for (const et of f.exceptionTables) {
    for (const it of et.items) if (it.kind === 'context') it.value = f.resolveAliases(it.value);
  }
  for (let v = 0; v < f.valueCount; v++) if (f.valueKind[v] === ValueKind.Alias) f.valueKind[v] = ValueKind.Unused;
}

function removeLoads(f: Function, cfg: ControlFlowGraph | undefined, dt: DominatorTree | undefined, stats: OptimizeStats): boolean {
  const a = eliminateRedundantLoads(f, cfg, dt);
  stats.loadsRemoved += a.loadsRemoved + a.storesForwarded;
  return a.loadsRemoved + a.storesForwarded > 0;
}

// ------------------------------------------------------------------ the dominator-tree walk

function hashInst(f: Function, i: number): number {
  let h = Math.imul(f.instOpcode[i] + 1, 0x9e3779b1);
  h = Math.imul(h ^ f.instType[i], 0x85ebca6b);
  h = Math.imul(h ^ f.instImm0[i], 0xc2b2ae35);
  h = Math.imul(h ^ f.instImm1[i], 0x27d4eb2f);
  h = Math.imul(h ^ f.instImm2[i], 0x165667b1);
  const off = f.instArgOff[i];
  const len = f.instArgLen[i];
  if (len === 2 && isCommutativeInt(f.instOpcode[i])) {
    // Either operand order: the same number.
    const a = Math.imul(f.pool[off] + 1, 0x9e3779b1);
    const b = Math.imul(f.pool[off + 1] + 1, 0x9e3779b1);
    h = Math.imul(h ^ (a + b) ^ (a ^ b), 0x27d4eb2f);
    return h ^ (h >>> 15);
  }
  for (let k = 0; k < len; k++) h = Math.imul(h ^ f.pool[off + k], 0x9e3779b1) + k;
  return h ^ (h >>> 15);
}

function sameInst(f: Function, a: number, b: number): boolean {
  if (f.instOpcode[a] !== f.instOpcode[b] || f.instType[a] !== f.instType[b]) return false;
  if (f.instImm0[a] !== f.instImm0[b] || f.instImm1[a] !== f.instImm1[b] || f.instImm2[a] !== f.instImm2[b]) return false;
  const len = f.instArgLen[a];
  if (len !== f.instArgLen[b] || f.instResLen[a] !== f.instResLen[b]) return false;
  const oa = f.instArgOff[a];
  const ob = f.instArgOff[b];
  if (len === 2 && isCommutativeInt(f.instOpcode[a]) && f.pool[oa] === f.pool[ob + 1] && f.pool[oa + 1] === f.pool[ob]) return true;
  for (let k = 0; k < len; k++) if (f.pool[oa + k] !== f.pool[ob + k]) return false;
  return true;
}

function resolveArgs(f: Function, i: number): void {
  const off = f.instArgOff[i];
  const len = f.instArgLen[i];
  const kind = f.valueKind;
  for (let k = 0; k < len; k++) {
    const a = f.pool[off + k];
    if (kind[a] === ValueKind.Alias) f.pool[off + k] = f.resolveAliases(a as Value);
  }
}

// The value-numbering table: open addressing over instruction numbers (-1 = empty), shared by
// every call and empty between calls. Scopes end in the reverse order of their insertions, so
// clearing a scope's slots (most recent first) never breaks a probe sequence.
let gvnTable = new Int32Array(1 << 10).fill(-1);

/** The dominator-tree walk; `dt` null: the function is its entry block alone. */
function walk(f: Function, dt: DominatorTree | null, doSimplify: boolean, doGvn: boolean, doBranches: boolean, stats: OptimizeStats): void {
  if (gvnTable.length < 2 * f.instCount + 16) {
    let n = gvnTable.length;
    while (n < 2 * f.instCount + 16) n *= 2;
    gvnTable = new Int32Array(n).fill(-1);
  }
  const table = gvnTable;
  const mask = table.length - 1;
  const log: number[] = [];
  const marks: number[] = [];
  const stack: number[] = [f.firstBlock];
  try {
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (e < 0) {
        const mark = marks.pop()!;
        while (log.length > mark) table[log.pop()!] = -1;
        continue;
      }
      marks.push(log.length);
      stack.push(~e);
      let next: number;
      for (let i = f.blockFirstInst[e]; i !== NONE; i = next) {
        next = f.instNext[i];
        resolveArgs(f, i);
        if (doSimplify) {
          let s = Simplified.None;
          for (let guard = 0; guard < 8; guard++) {
            const r = simplifyInst(f, i as Inst);
            if (r === Simplified.None) break;
            s = r;
            if (r === Simplified.Replaced) break;
          }
          const op0 = f.instOpcode[i];
          if (s !== Simplified.Replaced && f.instResLen[i] === 1) {
            const replace = (v: Value): number => {
              if (f.valueType[v] !== f.valueType[f.result(i as Inst, 0)]) return 0;
              f.replaceResultsWith(i as Inst, [v]);
              f.removeInst(i as Inst);
              return 2;
            };
            let r = 0;
            if (op0 === IADD || op0 === ISUB || op0 === INEG) r = normalizeLinear(f, i as Inst, replace);
            else if (op0 === ICMP || op0 === BAND || op0 === BOR || op0 === BXOR) r = simplifyCompare(f, i as Inst, replace);
            if (r !== 0) s = r === 2 ? Simplified.Replaced : Simplified.Rewritten;
          }
          if (s !== Simplified.None) stats.simplified++;
          if (s === Simplified.Replaced) continue;
        }
        const op = f.instOpcode[i];
        if (op === ICONST) canonicalizeConst(f, i as Inst);
        if (doBranches && (op === BRIF || op === BR_TABLE)) {
          if (foldBranch(f, i as Inst)) stats.branchesFolded++;
          continue;
        }
        if (!doGvn || !isPureOpcode(op) || f.instResLen[i] === 0) continue;
        let slot = hashInst(f, i) & mask;
        let hit = -1;
        for (let other = table[slot]; other !== -1; other = table[slot]) {
          if (sameInst(f, other, i)) {
            hit = other;
            break;
          }
          slot = (slot + 1) & mask;
        }
        if (hit >= 0) {
          f.replaceResultsWith(i as Inst, f.instResults(hit as Inst));
          f.removeInst(i as Inst);
          stats.gvn++;
        } else {
          table[slot] = i;
          log.push(slot);
        }
      }
      if (dt === null) continue;
      const kids = dt.children;
      for (let k = dt.childOff[e + 1] - 1; k >= dt.childOff[e]; k--) stack.push(kids[k]);
    }
  } finally {
    for (const slot of log) table[slot] = -1;
  }
}

/** `brif` / `br_table` on a constant (or a `brif` whose two destinations are the same) becomes a `jump`. */
function foldBranch(f: Function, i: Inst): boolean {
  const op = f.instOpcode[i];
  const c = f.pool[f.instArgOff[i]] as Value;
  let target: BlockCall | -1 = NONE;
  if (op === BRIF) {
    const t = f.instImm0[i] as BlockCall;
    const e = f.instImm1[i] as BlockCall;
    if (isConst(f, c)) target = constValue(f, c) !== 0n ? t : e;
    else if (sameCall(f, t, e)) target = t;
  } else if (op === BR_TABLE && isConst(f, c)) {
    const jt = f.jumpTables[f.instImm0[i]];
    if (!jt) return false;
    const idx = constValue(f, c);
    const bc = idx < BigInt(jt.entries.length) ? jt.entries[Number(idx)] : jt.defaultCall;
    // A fresh call: the jump table may be shared, and later passes edit call arguments.
    target = f.makeBlockCall(f.blockCallBlock(bc), f.blockCallArgs(bc));
  }
  if (target === NONE) return false;
  f.instOpcode[i] = JUMP;
  f.instType[i] = INVALID;
  f.instArgLen[i] = 0;
  f.instImm0[i] = target;
  f.instImm1[i] = 0;
  f.instImm2[i] = 0;
  return true;
}

function sameCall(f: Function, a: BlockCall, b: BlockCall): boolean {
  if (f.bcBlock[a] !== f.bcBlock[b] || f.bcArgLen[a] !== f.bcArgLen[b]) return false;
  const oa = f.bcArgOff[a];
  const ob = f.bcArgOff[b];
  for (let k = 0; k < f.bcArgLen[a]; k++) {
    const x = f.pool[oa + k];
    const y = f.pool[ob + k];
    if (x === y) continue;
    if (x < 0 || y < 0 || f.resolveAliases(x as Value) !== f.resolveAliases(y as Value)) return false;
  }
  return true;
}

// ------------------------------------------------------------------ unreachable blocks

function removeUnreachable(f: Function, dt: DominatorTree, stats: OptimizeStats): number {
  let removed = 0;
  let next: number;
  for (let b: number = f.firstBlock; b !== NONE; b = next) {
    next = f.blockNext[b];
    if (!dt.isReachable(b as Block)) {
      f.removeBlock(b as Block);
      removed++;
    }
  }
  stats.blocksRemoved += removed;
  return removed;
}

// ------------------------------------------------------------------ dead code

/**
 * Remove pure instructions whose results nothing uses; returns how many. A worklist: removing
 * an instruction may leave the definitions of its operands unused in turn.
 */
export function eliminateDeadCode(f: Function): number {
  const uses = new Int32Array(f.valueCount);
  const countCall = (bc: number) => {
    const off = f.bcArgOff[bc];
    for (let k = 0; k < f.bcArgLen[bc]; k++) {
      const a = f.pool[off + k];
      if (a >= 0) uses[f.resolveAliases(a as Value)]++;
    }
  };
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
    for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) {
      const off = f.instArgOff[i];
      for (let k = 0; k < f.instArgLen[i]; k++) uses[f.resolveAliases(f.pool[off + k] as Value)]++;
      if (OPCODES[f.instOpcode[i]].isBranch) for (const bc of f.branchDestinations(i as Inst)) countCall(bc);
    }
  }
  for (const et of f.exceptionTables) for (const it of et.items) if (it.kind === 'context') uses[f.resolveAliases(it.value)]++;
  const dead = (i: number): boolean => {
    if (f.instBlock[i] === NONE || !isRemovableOpcode(f.instOpcode[i])) return false;
    const roff = f.instResOff[i];
    for (let r = 0; r < f.instResLen[i]; r++) if (uses[f.pool[roff + r]] !== 0) return false;
    return true;
  };
  const work: number[] = [];
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
    for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) if (dead(i)) work.push(i);
  }
  let removed = 0;
  while (work.length > 0) {
    const i = work.pop()!;
    if (f.instBlock[i] === NONE) continue;
    f.removeInst(i as Inst);
    removed++;
    const off = f.instArgOff[i];
    for (let a = 0; a < f.instArgLen[i]; a++) {
      const v = f.resolveAliases(f.pool[off + a] as Value);
      if (--uses[v] === 0 && f.valueKind[v] === ValueKind.Result && dead(f.valueDef[v])) work.push(f.valueDef[v]);
    }
  }
  return removed;
}
