// Alias analysis: redundant-load elimination and store-to-load forwarding.
//
// Memory is split into disjoint categories by the access flags: each `regionN`, then the
// `heap`, `table` and `vmctx` classes, then everything else ("other"). A store only changes
// its own category; a call, fence, atomic or any other instruction that may write memory
// changes them all. `readonly` loads see memory that never changes.
//
// A forward dataflow over the CFG gives, at every instruction, the last instruction that may
// have written each category (or the block where paths with different last writers merge).
// Two accesses with the same address value, offset, type, kind and category that see the same
// last writer read the same bytes: a load is redundant when a dominating load or store with
// that key exists, and then its result becomes an alias of the earlier value (a store's
// stored value: store-to-load forwarding). The dominator-tree walk keeps a scoped table of
// those keys.

import {
  type Function, type Inst, type Value, NONE, OPCODES, Format, type ControlFlowGraph, type DominatorTree,
  computeCfg, computeDomtree, memAliasClass, memRegion, memEndianness, MEM_READONLY,
  LOAD, STORE,
} from '@windlass/ir';

/** Categories: 0 other, 1 heap, 2 table, 3 vmctx, 4 + r for region r. */
function categoryOf(flags: number): number {
  const r = memRegion(flags);
  return r >= 0 ? 4 + r : memAliasClass(flags);
}

/** The last writer "function entry" (nothing stored yet). */
const ENTRY = -1;
/** A merge at block b is written `-(b + 2)`. */
const mergeAt = (b: number): number => -(b + 2);
const UNSET = -0x7fffffff;

/** What an instruction does to memory for this analysis. */
const enum Effect { None, Load, Store, Clobber }

function effectOf(f: Function, i: number): Effect {
  const op = f.instOpcode[i];
  const info = OPCODES[op];
  if (info.format === Format.Load && info.canLoad && !info.canStore) return Effect.Load;
  if (info.format === Format.Store && info.canStore && !info.canLoad) return Effect.Store;
  // Calls, fences, atomics, stack stores, debug traps: may write anything. Calls and other
  // instructions with effects are treated the same even when they only read.
  if (info.canStore || info.isCall || info.otherSideEffects) return Effect.Clobber;
  return Effect.None;
}

export interface AliasStats {
  /** Loads replaced by an earlier load's value. */
  loadsRemoved: number;
  /** Loads replaced by the value an earlier store wrote. */
  storesForwarded: number;
}

/**
 * Replaces redundant loads by the values they would read (their results become aliases; the
 * loads leave the layout). Returns what it did. The function's aliases are not resolved, so a
 * printed function shows `v5 -> v3` for a removed load.
 */
export function eliminateRedundantLoads(f: Function, cfg?: ControlFlowGraph, dt?: DominatorTree): AliasStats {
  const stats: AliasStats = { loadsRemoved: 0, storesForwarded: 0 };
  if (f.firstBlock === NONE) return stats;
  // Quick exit: nothing to do without loads.
  let loads = 0;
  let maxCat = 4;
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
    for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) {
      const e = effectOf(f, i);
      if (e === Effect.Load) loads++;
      if (e === Effect.Load || e === Effect.Store) maxCat = Math.max(maxCat, categoryOf(f.instImm0[i]) + 1);
    }
  }
  if (loads === 0) return stats;
  cfg ??= computeCfg(f);
  dt ??= computeDomtree(f, cfg);
  const C = maxCat;
  const nb = f.blockCount;
  // Last writer of every category at block entry and exit.
  const entry = new Int32Array(nb * C).fill(UNSET);
  const exit = new Int32Array(nb * C).fill(UNSET);
  const po = dt.postorder;
  entry.fill(ENTRY, f.firstBlock * C, f.firstBlock * C + C);
  const state = new Int32Array(C);
  const transfer = (b: number): void => {
    for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) {
      const e = effectOf(f, i);
      if (e === Effect.Store) state[categoryOf(f.instImm0[i])] = i;
      else if (e === Effect.Clobber) state.fill(i);
    }
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = po.length - 1; k >= 0; k--) {
      const b = po[k];
      if (b !== f.firstBlock) {
        for (let c = 0; c < C; c++) {
          let v = UNSET;
          for (let p = cfg.predOff[b]; p < cfg.predOff[b + 1]; p++) {
            const x = exit[cfg.preds[p] * C + c];
            if (x === UNSET) continue;
            if (v === UNSET) v = x;
            else if (v !== x) v = mergeAt(b);
          }
          // A merge stays a merge (the lattice only goes down).
          if (entry[b * C + c] === mergeAt(b)) v = mergeAt(b);
          entry[b * C + c] = v;
        }
      }
      for (let c = 0; c < C; c++) state[c] = entry[b * C + c];
      transfer(b);
      for (let c = 0; c < C; c++) {
        if (exit[b * C + c] !== state[c]) {
          exit[b * C + c] = state[c];
          changed = true;
        }
      }
    }
  }
  // The dominator-tree walk with a scoped table: key -> value.
  const table = new Map<string, Value>();
  const undo: [string, Value | undefined][] = [];
  const marks: number[] = [];
  const stack: number[] = [f.firstBlock];
  while (stack.length > 0) {
    const b = stack.pop()!;
    if (b < 0) {
      const mark = marks.pop()!;
      while (undo.length > mark) {
        const [k, prev] = undo.pop()!;
        if (prev === undefined) table.delete(k);
        else table.set(k, prev);
      }
      continue;
    }
    marks.push(undo.length);
    stack.push(~b);
    for (let c = 0; c < C; c++) state[c] = entry[b * C + c];
    let next: number;
    for (let i = f.blockFirstInst[b]; i !== NONE; i = next) {
      next = f.instNext[i];
      const e = effectOf(f, i);
      if (e === Effect.Clobber) {
        state.fill(i);
        continue;
      }
      if (e === Effect.None) continue;
      const flags = f.instImm0[i];
      const cat = categoryOf(flags);
      if (e === Effect.Load) {
        const addr = f.resolveAliases(f.pool[f.instArgOff[i]] as Value);
        const res = f.result(i as Inst, 0);
        const last = flags & MEM_READONLY ? ENTRY : state[cat];
        const key = accessKey(f.instOpcode[i], f.valueType[res], cat, flags, last, addr, f.instImm1[i]);
        const known = table.get(key);
        if (known !== undefined && f.valueType[known] === f.valueType[res]) {
          const fromStore = storedValues.has(known);
          f.replaceResultsWith(i as Inst, [known]);
          f.removeInst(i as Inst);
          if (fromStore) stats.storesForwarded++;
          else stats.loadsRemoved++;
          continue;
        }
        undo.push([key, table.get(key)]);
        table.set(key, res);
      } else {
        state[cat] = i;
        if (f.instOpcode[i] !== STORE) continue;
        const x = f.resolveAliases(f.pool[f.instArgOff[i]] as Value);
        const addr = f.resolveAliases(f.pool[f.instArgOff[i] + 1] as Value);
        const key = accessKey(LOAD, f.valueType[x], cat, flags, i, addr, f.instImm1[i]);
        storedValues.add(x);
        undo.push([key, table.get(key)]);
        table.set(key, x);
      }
    }
    const kids = dt.children;
    for (let k = dt.childOff[b + 1] - 1; k >= dt.childOff[b]; k--) stack.push(kids[k]);
  }
  storedValues.clear();
  return stats;
}

/** Values some store wrote (to tell forwarding from redundant loads in the statistics). */
const storedValues = new Set<Value>();

function accessKey(op: number, type: number, cat: number, flags: number, last: number, addr: Value, offset: number): string {
  return `${op}:${type}:${cat}:${memEndianness(flags)}:${last}:${addr}:${offset}`;
}

