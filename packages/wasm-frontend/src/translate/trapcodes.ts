/**
 * Wasm trap codes as IR trap codes. Memory, integer and conversion traps use the IR's named
 * codes; the wasm-specific ones are user codes, fixed here so runtimes can map them back.
 */
import { TRAP_BAD_TOINT, TRAP_HEAP_OOB, TRAP_INT_DIVZ, TRAP_INT_OVF, TRAP_STK_OVF } from '@windlass/ir';

export const TRAP_UNREACHABLE = 1;
export const TRAP_TABLE_OOB = 2;
export const TRAP_INDIRECT_NULL = 3;
export const TRAP_BAD_SIGNATURE = 4;
/** `call_indirect` with an index past the end of the table (table.get/set trap TRAP_TABLE_OOB). */
export const TRAP_UNDEFINED_ELEMENT = 5;

/** The spec test suite's message for each trap code. */
export const WASM_TRAP_MESSAGES: Record<number, string> = {
  [TRAP_HEAP_OOB]: 'out of bounds memory access',
  [TRAP_INT_OVF]: 'integer overflow',
  [TRAP_INT_DIVZ]: 'integer divide by zero',
  [TRAP_BAD_TOINT]: 'invalid conversion to integer',
  [TRAP_STK_OVF]: 'call stack exhausted',
  [TRAP_UNREACHABLE]: 'unreachable',
  [TRAP_TABLE_OOB]: 'out of bounds table access',
  [TRAP_INDIRECT_NULL]: 'uninitialized element',
  [TRAP_BAD_SIGNATURE]: 'indirect call type mismatch',
  [TRAP_UNDEFINED_ELEMENT]: 'undefined element',
};
