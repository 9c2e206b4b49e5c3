// Type rules the opcode table expresses as sets and wildcards (`TypeSet`,
// `I`, `*`), spelled out for the verifier.

import { type Opcode, type TypeSet, OPCODES } from '../opcodes';
import {
  type Type, I32, I64, bits, isFloat, isInt, isValidType, isVector, laneCount,
} from '../types';

export function inTypeSet(set: TypeSet, t: Type): boolean {
  if (!isValidType(t)) return false;
  switch (set) {
    case 'int': case 'intOrVec': return isInt(t);
    case 'float': case 'floatOrVec': return isFloat(t);
    case 'intVec': return isInt(t) && isVector(t);
    case 'floatVec': return isFloat(t) && isVector(t);
    case 'vec': case 'narrowVec': case 'wideVec': return isVector(t);
    case 'scalarInt': return isInt(t) && !isVector(t);
    case 'scalarFloat': return isFloat(t) && !isVector(t);
    case 'addr': return t === I32 || t === I64;
    default: return true;
  }
}

const name = (op: Opcode) => OPCODES[op].name;

/**
 * Whether operand type `arg` fits a wildcard operand (`I` or `*`) of `op`
 * whose controlling type is `ctrl`. The width relations of conversions live here.
 */
export function wildcardOperandOk(op: Opcode, desc: string, ctrl: Type, arg: Type): boolean {
  switch (name(op)) {
    case 'uextend': case 'sextend':
      return isInt(arg) && !isVector(arg) && bits(arg) < bits(ctrl);
    case 'ireduce':
      return isInt(arg) && !isVector(arg) && bits(arg) > bits(ctrl);
    case 'fpromote':
      return isFloat(arg) && !isVector(arg) && bits(arg) < bits(ctrl);
    case 'fdemote':
      return isFloat(arg) && !isVector(arg) && bits(arg) > bits(ctrl);
    case 'fcvt_to_uint': case 'fcvt_to_sint':
      return isFloat(arg) && !isVector(arg);
    case 'fcvt_to_uint_sat': case 'fcvt_to_sint_sat': case 'x86_cvtt2dq':
      return isFloat(arg) && laneCount(arg) === laneCount(ctrl);
    case 'fcvt_from_uint': case 'fcvt_from_sint':
      return isInt(arg) && laneCount(arg) === laneCount(ctrl);
    case 'bmask':
      // Lane-wise on vectors: the mask has as many lanes as x (the interpreter maps lane to lane).
      return isInt(arg) && isVector(arg) === isVector(ctrl) && laneCount(arg) === laneCount(ctrl);
    case 'vhigh_bits':
      return isVector(arg);
    case 'bitcast':
      return true; // checked with its own message
    default:
      return desc === 'I' ? isInt(arg) : true;
  }
}
