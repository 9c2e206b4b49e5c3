// Per-opcode classification for the mid-end, computed once from the opcode table's flags.

import {
  OPCODES, OPCODE_COUNT, hasSideEffects, NOP, GET_PINNED_REG, GET_STACK_POINTER, GET_FRAME_POINTER,
  GET_RETURN_ADDRESS, GLOBAL_VALUE, TLS_VALUE, GET_EXCEPTION_HANDLER_ADDRESS, STACK_SWITCH, DEBUGTRAP, SEQUENCE_POINT,
  SELECT_SPECTRE_GUARD,
} from '@windlass/ir';

const PURE = new Uint8Array(OPCODE_COUNT);
const REMOVABLE = new Uint8Array(OPCODE_COUNT);
{
  // Reads of machine state that may differ between two points, opcodes whose value is not a
  // function of their operands and immediates alone, and `select_spectre_guard`, which must
  // stay where the bounds check put it (it may still go when nothing uses it).
  const excluded = new Set<number>([
    NOP, GET_PINNED_REG, GET_STACK_POINTER, GET_FRAME_POINTER, GET_RETURN_ADDRESS, GLOBAL_VALUE, TLS_VALUE,
    GET_EXCEPTION_HANDLER_ADDRESS, STACK_SWITCH, DEBUGTRAP, SEQUENCE_POINT, SELECT_SPECTRE_GUARD,
  ]);
  for (let op = 0; op < OPCODE_COUNT; op++) {
    const o = OPCODES[op];
    const effects = hasSideEffects(op as never);
    REMOVABLE[op] = effects || o.isBranch ? 0 : 1;
    PURE[op] = !effects && !o.canLoad && !o.isBranch && !o.isCall && !excluded.has(op) ? 1 : 0;
  }
}

/**
 * Whether `op` computes its results from its operands and immediates alone, with no side
 * effect, trap or memory read: global value numbering may merge two of them and LICM may move one.
 */
export function isPureOpcode(op: number): boolean {
  return PURE[op] === 1;
}

/** Whether an instruction of opcode `op` may be deleted when nothing uses its results. */
export function isRemovableOpcode(op: number): boolean {
  return REMOVABLE[op] === 1;
}
