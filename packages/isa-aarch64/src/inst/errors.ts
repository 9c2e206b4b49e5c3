/**
 * Raised when a machine instruction cannot be encoded as given: a virtual register left after
 * allocation, a register of the wrong kind for its field (sp where only xzr fits, a v register
 * in a general-register field), an immediate out of range, an unresolved frame address. These
 * are bugs in the lowering or in a hand-built instruction, so the message names the instruction
 * and the rule it breaks.
 */
export class A64EncodeError extends Error {
  /** Where: the instruction (as printed) and, when known, its code offset. */
  readonly location: string;
  constructor(message: string, location: string) {
    super(`${location}: ${message}`);
    this.name = 'A64EncodeError';
    this.location = location;
  }
}
