// Typed errors of the lowering framework and the compile pipeline.

/** Where in the IR a code generation error happened. */
export interface CodegenLocation {
  /** Function name as written (`%f`, `u0:1`). */
  readonly func?: string;
  /** IR instruction number. */
  readonly inst?: number;
  readonly block?: number;
}

function where(loc: CodegenLocation): string {
  const parts: string[] = [];
  if (loc.func !== undefined) parts.push(`function ${loc.func}`);
  if (loc.block !== undefined) parts.push(`block${loc.block}`);
  if (loc.inst !== undefined) parts.push(`inst${loc.inst}`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

/** Base of the errors code generation throws on purpose. */
export class CodegenError extends Error {
  readonly location: CodegenLocation;
  constructor(message: string, location: CodegenLocation = {}) {
    super(where(location) + message);
    this.name = new.target.name;
    this.location = location;
  }
}

/**
 * The backend has no lowering for an opcode / type combination (or a calling-convention
 * feature). A test runner counts it as a failure of that function, never as a crash.
 */
export class UnsupportedError extends CodegenError {
  constructor(
    /** What is unsupported: `opcode udiv.i128`, `call_conv windows_fastcall`, ... */
    readonly what: string,
    location: CodegenLocation = {},
    detail = '',
  ) {
    super(`unsupported: ${what}${detail ? ` (${detail})` : ''}`, location);
  }
}
