// Deriving concrete types from the opcode table's type descriptors.

import type { Function } from './function';
import type { Inst } from './entities';
import { OPCODES, type TypeDesc } from './opcodes';
import {
  INVALID, type Type, asInt, doubleWidth, dynamicBase, halfWidth, isVector, laneType, mergeLanes, parseType,
  splitLanes, I8,
} from './types';

/**
 * The concrete type a descriptor denotes for controlling type `ctrl`, or
 * INVALID when the descriptor is a constraint rather than a type (`A`, `I`, `*`)
 * or does not apply to `ctrl`.
 */
export function resolveTypeDesc(desc: TypeDesc, ctrl: Type): Type {
  switch (desc) {
    case 'T': return ctrl;
    case 'b': return isVector(ctrl) ? asInt(ctrl) : I8;
    case 'L': return laneType(ctrl);
    case 'H': return halfWidth(ctrl);
    case 'D': return doubleWidth(ctrl);
    case 'S': return splitLanes(ctrl);
    case 'M': return mergeLanes(ctrl);
    case 'B': return dynamicBase(ctrl);
    case 'A': case 'I': case '*': return INVALID;
    default: return parseType(desc);
  }
}

/** Result types of `inst` from its opcode, controlling type and (for calls) signature. */
export function resultTypes(f: Function, inst: Inst): Type[] {
  const info = OPCODES[f.instOpcode[inst]];
  if (info.results === 'sig') {
    const sig = f.callSignature(inst);
    return sig ? sig.returns.map((p) => p.type) : [];
  }
  const ctrl = f.instType[inst] as Type;
  return info.results.map((d) => resolveTypeDesc(d, ctrl));
}
