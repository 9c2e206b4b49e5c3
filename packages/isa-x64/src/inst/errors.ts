/**
 * Raised when a machine instruction cannot be encoded as given: a virtual register left after
 * allocation, an operand size the form does not have, an immediate out of range, rsp as an
 * index register. These are bugs in the lowering or in a hand-built instruction, so the message
 * names the instruction and the rule it breaks.
 */
export class X64EncodeError extends Error {
  /** Where: the instruction (as printed) and, when known, its code offset. */
  readonly location: string;
  constructor(message: string, location: string) {
    super(`${location}: ${message}`);
    this.name = 'X64EncodeError';
    this.location = location;
  }
}

/** A form or feature this encoder does not provide. */
export class X64UnsupportedError extends X64EncodeError {
  constructor(message: string, location: string) {
    super(`unsupported: ${message}`, location);
    this.name = 'X64UnsupportedError';
  }
}
