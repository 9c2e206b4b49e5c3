// Loop-invariant code motion: a pure instruction inside a natural loop whose operands are all
// defined outside the loop (or by instructions already hoisted) moves to the loop's preheader.
// Pure means no side effect, no trap and no memory read, so running it once before the loop,
// even on a path where the loop body would not have run it, changes nothing but time. A load
// flagged `readonly` and `can_move` (memory no store changes, an address valid wherever it is
// computed: a wasm memory's base, the vmctx's records) is invariant in the same way.
//
// Loops are handled outermost first, so an instruction invariant in several nested loops goes
// straight to the outermost preheader. The preheader is the loop's single outside predecessor
// when that block ends in a `jump` to the header; otherwise a new block is inserted before the
// header that takes the header's parameters and jumps on to it, and the branches from outside
// the loop are redirected to it.

import {
  type Function, type Block, type Inst, type BlockCall, NONE, INVALID, OPCODES, Format, ValueKind, JUMP,
  computeCfg, computeDomtree, computeLoops, type LoopAnalysis, type Loop, MEM_READONLY, MEM_CAN_MOVE,
} from '@windlass/ir';
import { isPureOpcode } from './purity';

/** A load of memory that never changes from an address valid anywhere (`readonly can_move`). */
function isInvariantLoad(f: Function, i: number): boolean {
  const info = OPCODES[f.instOpcode[i]];
  if (info.format !== Format.Load || !info.canLoad || info.canStore) return false;
  const flags = f.instImm0[i];
  return (flags & MEM_READONLY) !== 0 && (flags & MEM_CAN_MOVE) !== 0;
}

/**
 * Hoists loop-invariant pure instructions; returns how many moved. `cfg` and `dt` describe `f`
 * as it is (computed when not given).
 */
export function hoistLoopInvariants(f: Function, cfg = computeCfg(f), dt = computeDomtree(f, cfg)): number {
  // No back edge, no loop: skip the loop analysis.
  let backEdge = false;
  for (let b = 0; b < cfg.blockCount && !backEdge; b++) {
    for (let p = cfg.predOff[b]; p < cfg.predOff[b + 1]; p++) if (dt.dominates(b as Block, cfg.preds[p] as Block)) backEdge = true;
  }
  if (!backEdge) return 0;
  const loops = computeLoops(f, cfg, dt);
  const count = loops.loopCount;
  if (count === 0) return 0;
  const n = f.blockCount;
  const rpo = dt.reversePostorder();
  const hoisted = new Uint8Array(f.instCount);
  const order = Array.from({ length: count }, (_, k) => k).sort((a, b) => loops.loopLevel[a] - loops.loopLevel[b]);
  let moved = 0;
  const inLoop = (b: number, l: Loop): boolean => b < n && loops.loopContains(l, b as Block);
  for (const l of order as Loop[]) {
    const h = loops.loopHeader[l];
    if (h === f.firstBlock) continue;
    // Candidates, in reverse postorder so operands are seen before their uses.
    const picked: number[] = [];
    for (const b of rpo) {
      if (!inLoop(b, l)) continue;
      for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) {
        const op = f.instOpcode[i];
        if ((!isPureOpcode(op) && !isInvariantLoad(f, i)) || f.instResLen[i] === 0) continue;
        let invariant = true;
        const off = f.instArgOff[i];
        for (let k = 0; k < f.instArgLen[i] && invariant; k++) {
          const v = f.resolveAliases(f.pool[off + k] as never);
          if (f.valueKind[v] === ValueKind.Result) {
            const d = f.valueDef[v];
            if (hoisted[d] !== 1 && inLoop(f.instBlock[d], l)) invariant = false;
          } else if (f.valueKind[v] === ValueKind.Param) {
            if (inLoop(f.valueDef[v], l)) invariant = false;
          } else {
            invariant = false;
          }
        }
        if (!invariant) continue;
        hoisted[i] = 1;
        picked.push(i);
      }
    }
    if (picked.length === 0) continue;
    const pre = preheader(f, cfg.preds.subarray(cfg.predOff[h], cfg.predOff[h + 1]), h, l, loops, n);
    if (pre === NONE) {
      for (const i of picked) hoisted[i] = 0;
      continue;
    }
    const term = f.blockLastInst[pre];
    for (const i of picked) {
      f.removeInst(i as Inst);
      f.insertInstBefore(i as Inst, term as Inst);
      moved++;
    }
  }
  return moved;
}

/** The preheader of loop `l` (header `h`, predecessors `preds`), made if needed; NONE if it cannot be. */
function preheader(f: Function, preds: Int32Array, h: number, l: Loop, loops: LoopAnalysis, n: number): number {
  const outside: number[] = [];
  for (const p of preds) if (!(p < n && loops.loopContains(l, p as Block))) outside.push(p);
  if (outside.length === 0) return NONE;
  if (outside.length === 1) {
    const t = f.blockLastInst[outside[0]];
    if (t !== NONE && f.instOpcode[t] === JUMP) return outside[0];
  }
  // Redirect the outside branches to a new block. Their calls to `h` must be their own: a jump
  // table shared with a branch inside the loop cannot be redirected for one of them only.
  const insideCalls = new Set<number>();
  for (const p of preds) {
    if (!(p < n && loops.loopContains(l, p as Block))) continue;
    for (const bc of f.branchDestinations(f.blockLastInst[p] as Inst)) if (f.bcBlock[bc] === h) insideCalls.add(bc);
  }
  const redirect: BlockCall[] = [];
  for (const p of outside) {
    const t = f.blockLastInst[p];
    const fmt = OPCODES[f.instOpcode[t]].format;
    if (fmt !== Format.Jump && fmt !== Format.Brif && fmt !== Format.BranchTable) return NONE;
    for (const bc of f.branchDestinations(t as Inst)) {
      if (f.bcBlock[bc] !== h) continue;
      if (insideCalls.has(bc)) return NONE;
      redirect.push(bc);
    }
  }
  const pre = f.makeBlock();
  const args = f.blockParams[h].map((v) => f.appendBlockParam(pre, f.valueType[v] as never));
  f.insertBlockBefore(pre, h as Block);
  if (f.isBlockCold(h as Block)) f.setBlockCold(pre);
  const j = f.makeInst(JUMP, INVALID, []);
  f.setImm0(j, f.makeBlockCall(h as Block, args));
  f.appendInst(j, pre);
  for (const bc of redirect) f.setBlockCallBlock(bc, pre);
  return pre;
}
