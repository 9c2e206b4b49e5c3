/**
 * What running an artifact can end in besides results: each a typed error.
 */

/** A wasm function's frame in a trap's backtrace. */
export interface WasmFrame {
  /** Function index in the module's function index space. */
  func: number;
  /** Its name from the `name` section, or ''. */
  name: string;
  /** Byte offset of the wasm instruction in the module, or undefined where unknown. */
  wasmOffset: number | undefined;
}

function frameLine(f: WasmFrame, k: number): string {
  const name = f.name === '' ? `func[${f.func}]` : `${f.name} (func[${f.func}])`;
  return `  ${k}: ${f.wasmOffset === undefined ? '<unknown offset>' : `0x${f.wasmOffset.toString(16)}`} - ${name}`;
}

/** A wasm trap: its code (`@windlass/ir` numbering), the spec's message and the wasm backtrace. */
export class Trap extends Error {
  constructor(
    readonly code: number,
    readonly trapMessage: string,
    readonly frames: WasmFrame[],
  ) {
    super(`wasm trap: ${trapMessage}${frames.length ? `\nwasm backtrace:\n${frames.map(frameLine).join('\n')}` : ''}`);
    this.name = 'Trap';
  }
}

/** A guest called WASI `proc_exit` while an export other than `_start` ran (`run` returns the code). */
export class WasiExit extends Error {
  constructor(readonly code: number) {
    super(`the guest exited with code ${code}`);
    this.name = 'WasiExit';
  }
}

/** Instantiation failed to link: an unknown import or one of another type. */
export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/** The call ran past its time limit. */
export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`the call ran longer than ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Code faulted where no trap is expected (a signal at an address outside the trap table): a
 * bug in the compiler or the loader, never a wasm outcome.
 */
export class RuntimeCrash extends Error {
  constructor(
    readonly signal: number,
    readonly detail: string,
  ) {
    super(`compiled code crashed: ${detail}`);
    this.name = 'RuntimeCrash';
  }
}

/** The loader could not be built, started, or answered wrongly / died. */
export class LoaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoaderError';
  }
}
