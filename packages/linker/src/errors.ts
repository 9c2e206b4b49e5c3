/**
 * Typed errors of the linker. `ArtifactError`: bytes that are not a loadable artifact for what
 * the caller expects (every check of `deserialize`). `ArtifactBuildError`: a module that cannot
 * be made into an artifact (a function the backend cannot compile, a relocation the loader could
 * not resolve).
 */

/** What was wrong, in a word a program can switch on. */
export type ArtifactErrorKind =
  /** Not an ELF file, or an ELF file that is not a Windlass artifact (e.g. a CLIF-made object). */
  | 'not-artifact'
  /** A structural problem: a bound, a count, an index, an order. */
  | 'malformed'
  /** The integrity hash does not match the bytes. */
  | 'corrupt'
  /** Made by another format version of the linker. */
  | 'version'
  /** Made for another target (ISA, triple or ISA flags). */
  | 'target'
  /** Made with other settings (shared settings or wasm compilation settings). */
  | 'settings'
  /** A component where a module was expected, or the other way round. */
  | 'kind';

export class ArtifactError extends Error {
  constructor(
    readonly kind: ArtifactErrorKind,
    /** The section the problem is in (`ELF header`, `.windlass.module`, ...). */
    readonly section: string,
    /** Byte offset in the artifact (not in the section). */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`artifact: ${section} at byte ${offset}: ${reason}`);
    this.name = 'ArtifactError';
  }
}

export class ArtifactBuildError extends Error {
  constructor(
    readonly reason: string,
    /** Function index in the module's function index space, when one function is at fault. */
    readonly func?: number,
    override readonly cause?: unknown,
  ) {
    super(func === undefined ? reason : `function ${func}: ${reason}`);
    this.name = 'ArtifactBuildError';
  }
}
