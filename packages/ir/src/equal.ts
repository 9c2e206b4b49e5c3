// Structural equality of functions: same layout, same instructions (opcode,
// type, operands, immediates, results and their types), same preamble. Inst
// and block-call numbering may differ; value and block numbers must match.

import type { Inst } from './entities';
import { type BlockCall, type Function, ValueKind, bytesEqual } from './function';
import { Format, OPCODES } from './opcodes';

/** True when `a` and `b` are structurally equal. */
export function functionsEqual(a: Function, b: Function): boolean {
  return functionDiff(a, b) === null;
}

function stable(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return Array.from(v);
    return v;
  });
}

/** A description of the first difference between `a` and `b`, or null when equal. */
export function functionDiff(a: Function, b: Function): string | null {
  const checks: [string, unknown, unknown][] = [
    ['name', a.name, b.name],
    ['signature', a.signature, b.signature],
    ['sigRefs', a.sigRefs, b.sigRefs],
    ['funcRefs', a.funcRefs, b.funcRefs],
    ['stackSlots', a.stackSlots, b.stackSlots],
    ['dynamicStackSlots', a.dynamicStackSlots, b.dynamicStackSlots],
    ['dynamicTypes', a.dynamicTypes, b.dynamicTypes],
    ['globalValues', a.globalValues, b.globalValues],
    ['memoryRegions', a.memoryRegions, b.memoryRegions],
    ['constants', a.constants.filter((c) => c.length > 0), b.constants.filter((c) => c.length > 0)],
    ['stackLimit', a.stackLimit, b.stackLimit],
  ];
  for (const [what, x, y] of checks) {
    const sx = stable(x);
    const sy = stable(y);
    if (sx !== sy) return `${what} differ: ${sx} vs ${sy}`;
  }
  // Aliases.
  const n = Math.max(a.valueCount, b.valueCount);
  for (let v = 0; v < n; v++) {
    const ka = v < a.valueCount && a.valueKind[v] === ValueKind.Alias;
    const kb = v < b.valueCount && b.valueKind[v] === ValueKind.Alias;
    if (ka !== kb) return `v${v} is an alias in only one function`;
    if (ka && a.valueDef[v] !== b.valueDef[v]) return `alias v${v} targets differ`;
  }
  // Layout and instructions.
  let ba = a.firstBlock;
  let bb = b.firstBlock;
  while (ba !== -1 || bb !== -1) {
    if (ba !== bb) return `block order differs: block${ba} vs block${bb}`;
    const blk = ba;
    if (a.blockCold[blk] !== b.blockCold[blk]) return `block${blk} cold flag differs`;
    const pa = a.blockParams[blk];
    const pb = b.blockParams[blk];
    if (pa.length !== pb.length) return `block${blk} parameter count differs`;
    for (let k = 0; k < pa.length; k++) {
      if (pa[k] !== pb[k] || a.valueType[pa[k]] !== b.valueType[pb[k]]) return `block${blk} parameter ${k} differs`;
    }
    let ia = a.blockFirstInst[blk];
    let ib = b.blockFirstInst[blk];
    while (ia !== -1 || ib !== -1) {
      if (ia === -1 || ib === -1) return `block${blk} has a different number of instructions`;
      const d = instDiff(a, ia as Inst, b, ib as Inst);
      if (d) return `block${blk}: ${d}`;
      ia = a.instNext[ia];
      ib = b.instNext[ib];
    }
    ba = a.blockNext[ba] as typeof ba;
    bb = b.blockNext[bb] as typeof bb;
  }
  return null;
}

function blockCallKey(f: Function, bc: BlockCall): string {
  return `${f.blockCallBlock(bc)}(${f.blockCallArgs(bc).join(',')})`;
}

function instDiff(a: Function, ia: Inst, b: Function, ib: Inst): string | null {
  const op = a.instOpcode[ia];
  const name = OPCODES[op].name;
  if (op !== b.instOpcode[ib]) return `opcode ${name} vs ${OPCODES[b.instOpcode[ib]].name}`;
  if (a.instType[ia] !== b.instType[ib]) return `${name}: controlling type differs`;
  const argsA = a.instArgs(ia);
  const argsB = b.instArgs(ib);
  if (argsA.join() !== argsB.join()) return `${name}: arguments ${argsA} vs ${argsB}`;
  const resA = a.instResults(ia);
  const resB = b.instResults(ib);
  if (resA.join() !== resB.join()) return `${name}: results ${resA} vs ${resB}`;
  for (let k = 0; k < resA.length; k++) {
    if (a.valueType[resA[k]] !== b.valueType[resB[k]]) return `${name}: type of v${resA[k]} differs`;
  }
  if (a.instSrcLoc[ia] !== b.instSrcLoc[ib]) return `${name}: source location differs`;
  if (stable(a.debugTags.get(ia)) !== stable(b.debugTags.get(ib))) return `${name}: debug tags differ`;
  if (stable(a.userStackMaps.get(ia)) !== stable(b.userStackMaps.get(ib))) return `${name}: stack maps differ`;
  const fmt = OPCODES[op].format;
  const i0a = a.instImm0[ia], i0b = b.instImm0[ib];
  const i1a = a.instImm1[ia], i1b = b.instImm1[ib];
  const i2a = a.instImm2[ia], i2b = b.instImm2[ib];
  switch (fmt) {
    case Format.Shuffle:
      return bytesEqual(a.immediates[i0a], b.immediates[i0b]) ? null : `${name}: mask differs`;
    case Format.UnaryConst:
      return bytesEqual(a.constants[i0a], b.constants[i0b]) ? null : `${name}: constant differs`;
    case Format.Jump:
      return blockCallKey(a, i0a as BlockCall) === blockCallKey(b, i0b as BlockCall) ? null : `${name}: destination differs`;
    case Format.Brif:
      return blockCallKey(a, i0a as BlockCall) === blockCallKey(b, i0b as BlockCall) &&
        blockCallKey(a, i1a as BlockCall) === blockCallKey(b, i1b as BlockCall) ? null : `${name}: destinations differ`;
    case Format.BranchTable:
    case Format.TryCall:
    case Format.TryCallIndirect: {
      if (fmt === Format.TryCall && i0a !== i0b) return `${name}: callee differs`;
      const da = a.branchDestinations(ia).map((bc) => blockCallKey(a, bc)).join(' ');
      const db = b.branchDestinations(ib).map((bc) => blockCallKey(b, bc)).join(' ');
      if (da !== db) return `${name}: destinations differ`;
      if (fmt !== Format.BranchTable) {
        const ea = a.exceptionTables[fmt === Format.TryCall ? i1a : i0a];
        const eb = b.exceptionTables[fmt === Format.TryCall ? i1b : i0b];
        const sa = ea.items.map((it) => (it.kind === 'context' ? `c${it.value}` : it.kind === 'tag' ? `t${it.tag}` : 'd')).join();
        const sb = eb.items.map((it) => (it.kind === 'context' ? `c${it.value}` : it.kind === 'tag' ? `t${it.tag}` : 'd')).join();
        if (ea.signature !== eb.signature || sa !== sb) return `${name}: exception table differs`;
      }
      return null;
    }
    default:
      if (i0a !== i0b || i1a !== i1b || i2a !== i2b) return `${name}: immediates differ`;
      return null;
  }
}
