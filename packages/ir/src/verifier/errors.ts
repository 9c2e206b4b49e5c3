// Verifier errors: which function, which entity (instruction, block, global
// value, ...), which rule, and the source line when the function was read
// from text.

/** A rule the verifier checks; every error names one. */
export type VerifierRule =
  | 'signature' | 'entry-block' | 'global-value' | 'memory-region' | 'layout' | 'entity-reference'
  | 'ssa-dominance' | 'operand-type' | 'result-type' | 'immediate' | 'branch-args' | 'call' | 'return'
  | 'tail-call' | 'exceptions' | 'memory-flags' | 'debug-tags';

export class VerifierError extends Error {
  /** Function name as written (`%foo`, `u0:1`). */
  readonly func: string;
  /** The entity the error is about: `inst3`, `block2`, `gv0`, `sig1`, `fn0`, `region1`, `function`. */
  readonly entity: string;
  /** The instruction the error is about, or -1. */
  readonly inst: number;
  /** The instruction's text (`v2 = iadd v0, v1`) when the error is about an instruction. */
  readonly instText: string;
  readonly rule: VerifierRule;
  /** The message without location (Cranelift's wording where Cranelift has one). */
  readonly reason: string;
  /** 1-based source line, when known. */
  readonly line: number | undefined;
  /** `%foo, inst3 (v2 = iadd v0, v1)` plus `, line N` when known. */
  readonly location: string;

  constructor(func: string, entity: string, inst: number, instText: string, rule: VerifierRule, reason: string, line?: number) {
    const where = `${func}, ${entity}${instText ? ` (${instText})` : ''}${line !== undefined ? `, line ${line}` : ''}`;
    super(`${where}: ${reason} [${rule}]`);
    this.name = 'VerifierError';
    this.func = func;
    this.entity = entity;
    this.inst = inst;
    this.instText = instText;
    this.rule = rule;
    this.reason = reason;
    this.line = line;
    this.location = where;
  }
}

/** Thrown by `assertVerified`: every error found. */
export class VerificationFailed extends Error {
  readonly errors: VerifierError[];
  readonly location: string;

  constructor(errors: VerifierError[]) {
    super(`verification failed with ${errors.length} error(s):\n  ${errors.map((e) => e.message).join('\n  ')}`);
    this.name = 'VerificationFailed';
    this.errors = errors;
    this.location = errors[0]?.location ?? '';
  }
}
