// Block parameter simplification: a parameter to which every predecessor passes the same value
// (or the parameter itself, around a loop) is that value. The parameter is removed, its value
// becomes an alias, and the argument is dropped from every branch to the block. After branch
// folding this turns the parameters of blocks left with one predecessor into the values passed,
// so constants flow on into the next round of simplification.

import { type Function, type Block, type Inst, type Value, NONE, OPCODES, Format } from '@windlass/ir';

export interface ParamStats {
  paramsRemoved: number;
}

/** Removes redundant block parameters of the blocks in the layout; adds to `stats.paramsRemoved`. */
export function simplifyBlockParams(f: Function, stats: ParamStats): void {
  let any = false;
  for (let b: number = f.blockNext[f.firstBlock]; b !== NONE && !any; b = f.blockNext[b]) any = f.blockParams[b].length > 0;
  if (!any) return;
  const n = f.blockCount;
  // Incoming block calls per block (deduplicated: a jump table may list one call twice).
  const calls: number[][] = [];
  for (let b = 0; b < n; b++) calls.push([]);
  const frozen = new Uint8Array(n);
  const seen = new Uint8Array(f.blockCallCount);
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
    const term = f.blockLastInst[b];
    if (term === NONE || !OPCODES[f.instOpcode[term]].isBranch) continue;
    const fmt = OPCODES[f.instOpcode[term]].format;
    const editable = fmt === Format.Jump || fmt === Format.Brif || fmt === Format.BranchTable;
    for (const bc of f.branchDestinations(term as Inst)) {
      const dest = f.bcBlock[bc];
      if (!editable) {
        // try_call destinations receive `retN`/`exnN` arguments the callee defines.
        frozen[dest] = 1;
        continue;
      }
      if (seen[bc]) continue;
      seen[bc] = 1;
      calls[dest].push(bc);
    }
  }
  const entry = f.firstBlock;
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
      if (b === entry || frozen[b] || calls[b].length === 0) continue;
      const params = f.blockParams[b];
      for (let k = params.length - 1; k >= 0; k--) {
        const p = params[k];
        let same: number = NONE;
        let ok = true;
        for (const bc of calls[b]) {
          const a = f.pool[f.bcArgOff[bc] + k];
          if (a < 0) { ok = false; break; }
          const v = f.resolveAliases(a as Value);
          if (v === p) continue;
          if (same === NONE) same = v;
          else if (same !== v) { ok = false; break; }
        }
        if (!ok || same === NONE || f.valueType[same] !== f.valueType[p]) continue;
        for (const bc of calls[b]) {
          const args = f.blockCallArgs(bc as never);
          args.splice(k, 1);
          f.setBlockCallArgs(bc as never, args);
        }
        f.removeBlockParam(b as Block, k);
        f.changeToAlias(p, same as Value);
        stats.paramsRemoved++;
        changed = true;
      }
    }
  }
}
