import type { Flags, SettingsTemplate } from '../settings';
import type { CieConventions, UnwindInfo } from '../unwind';

export type Endianness = 'little' | 'big';

/** A target triple, `arch-vendor-os[-env]`, as far as code generation cares. */
export interface Triple {
  readonly architecture: string;
  readonly vendor: string;
  readonly os: string;
  readonly environment: string;
  readonly binaryFormat: 'elf' | 'macho' | 'coff' | 'unknown';
}

/**
 * Relocation kinds, ISA-neutral names for what the object writer and linker must patch.
 * PC-relative kinds put `S + A - P` in the field (P = address of the field); the addend carries
 * the bias, e.g. -4 for an x86 rel32 measured from the end of the instruction.
 */
export type RelocKind =
  /** Absolute address, 4 / 8 bytes. */
  | 'Abs4' | 'Abs8'
  /** 32-bit PC-relative data reference (x86 RIP-relative, `.eh_frame` pointers). */
  | 'PCRel4'
  | 'X86PCRel4' | 'X86CallPCRel4' | 'X86CallPLTRel4' | 'X86GOTPCRel4' | 'X86GOTPCRelX4' | 'X86RexGOTPCRelX4'
  | 'ElfX86_64TlsGd'
  /**
   * Object formats other than ELF (the ELF writer of `@windlass/object` rejects them): the COFF
   * section-relative offset of a symbol (32 bits, `IMAGE_REL_AMD64_SECREL`: a thread-local
   * variable's place in the image's TLS template), and the Mach-O thread-local variable
   * descriptor load (`X86_64_RELOC_TLV`, PC-relative 32 bits on a `movq`).
   */
  | 'X86SecRel' | 'MachOX86_64Tlv'
  | 'Arm64Call' | 'Aarch64AdrPrelPgHi21' | 'Aarch64AddAbsLo12Nc' | 'Aarch64AdrGotPage21' | 'Aarch64Ld64GotLo12Nc'
  /** AArch64 `b sym` (a tail call; `Arm64Call` is `bl`), and the general-dynamic TLS `adrp`/`add` pair. */
  | 'Aarch64Jump26' | 'Aarch64TlsGdAdrPage21' | 'Aarch64TlsGdAddLo12Nc'
  /** Mach-O AArch64 thread-local variable descriptor page and page offset (`sym@TLVPPAGE`, `@TLVPPAGEOFF`; not ELF). */
  | 'MachOAarch64TlsAdrPage21' | 'MachOAarch64TlsAdrPageOff12'
  | 'RiscvCallPlt' | 'RiscvPCRelHi20' | 'RiscvPCRelLo12I' | 'RiscvGotHi20'
  /** RISC-V general-dynamic TLS: `auipc` of the address of the symbol's GOT pair (`%tls_gd_pcrel_hi`). */
  | 'RiscvTlsGdHi20'
  | 'S390xPCRel32Dbl' | 'S390xPLTRel32Dbl' | 'S390xGotEnt32Dbl'
  /**
   * s390x ELF general-dynamic TLS: the 64-bit `tls_index` GOT offset in a literal
   * (`R_390_TLS_GD64`), and the marker on the `brasl` to `__tls_get_offset` (`R_390_TLS_GDCALL`,
   * at the instruction's first byte).
   */
  | 'S390xTlsGd64' | 'S390xTlsGdCall';

/** What a relocation points at. */
export type RelocTarget =
  /** A named symbol of the module (function or data). */
  | { readonly kind: 'symbol'; readonly name: string }
  /** A runtime library routine; `name` is its C symbol (`memcpy`, `ceilf`, `__multi3` ...). */
  | { readonly kind: 'libcall'; readonly name: string }
  /**
   * An index into the compiled function's table of external names, as an emitter that only
   * knows `FuncRef`/`GlobalValue` numbers records it. `compile()` resolves these to `symbol`
   * targets; object writers reject them.
   */
  | { readonly kind: 'user'; readonly index: number }
  /**
   * The instruction holding the paired high part, as an offset in the same function: RISC-V
   * `%pcrel_lo` relocations (`RiscvPCRelLo12I`) name the `auipc`, not the symbol.
   */
  | { readonly kind: 'pcrel_hi'; readonly offset: number };

export interface Reloc {
  /** Offset of the patched field from the start of the function (or data object). */
  readonly offset: number;
  readonly kind: RelocKind;
  readonly target: RelocTarget;
  readonly addend: number;
}

/**
 * A trap code, encoded as `@windlass/ir` encodes it (1..250: `user1`..`user250`; 255 `stk_ovf`,
 * 254 `heap_oob`, 253 `int_ovf`, 252 `int_divz`, 251 `bad_toint`). Kept as a plain number here so
 * machine-code consumers need not load the IR.
 */
export type TrapCode = number;

export interface TrapSite {
  /** Offset of the trapping instruction. */
  readonly offset: number;
  readonly code: TrapCode;
}

export interface CallSite {
  /** Offset of the return address (the end of the call instruction). */
  readonly returnOffset: number;
  /**
   * A `try_call`: its exception handlers in match order (the first whose tag matches, or a
   * `default`, catches). Absent for a plain call; empty for a try_call without handlers.
   */
  readonly exceptionHandlers?: readonly ExceptionHandler[];
  /**
   * A `try_call`: the stack pointer at the call, as the distance below the function's frame
   * pointer. An unwinder landing at a handler sets SP = FP - spBelowFp (FP: this frame's).
   */
  readonly spBelowFp?: number;
}

/** One handler of a `try_call`'s exception table, as emitted. */
export interface ExceptionHandler {
  /** The exception tag it catches, or null for `default` (any tag). */
  readonly tag: number | null;
  /** Offset of the landing pad (the handler's code) from the start of the function. */
  readonly offset: number;
}

/** A range of machine code generated for one source location (an IR instruction's srcloc). */
export interface SourceLocRange {
  readonly start: number;
  readonly end: number;
  readonly loc: number;
}

/** The result of compiling one function: everything an object writer, linker or loader needs. */
export interface CompiledCode {
  readonly bytes: Uint8Array;
  readonly relocations: readonly Reloc[];
  readonly traps: readonly TrapSite[];
  readonly callSites: readonly CallSite[];
  readonly srclocs: readonly SourceLocRange[];
  /** Bytes of stack the function allocates below its return address (frame + spills + outgoing args). */
  readonly frameSize: number;
  /** Prologue/epilogue CFA effects, absent when `unwind_info=false`. */
  readonly unwind: UnwindInfo | undefined;
  /** Required alignment of the function start, in bytes. */
  readonly alignment: number;
  /** Printable listing of the final machine code (one instruction a line, with offsets). */
  readonly listing: string;
}

/**
 * The IR function a backend compiles (`Function` of `@windlass/ir`). Left open here so that
 * consumers of machine code (object writer, linker) do not load the IR; an ISA declares
 * `compileFunction(func: Function, ...)` with the real class and still implements `TargetIsa`.
 */
export type IrFunction = unknown;

export interface CompileContext {
  /** Also build `CompiledCode.listing` (off by default: printing every instruction costs time). */
  readonly wantListing?: boolean;
}

/** A configured backend: one ISA with its shared and ISA-specific flags. */
export interface TargetIsa {
  readonly name: string;
  readonly triple: Triple;
  readonly pointerBytes: 4 | 8;
  readonly endianness: Endianness;
  /** Shared (ISA-independent) flags. */
  readonly flags: Flags;
  /** This ISA's own flags (`has_avx`, `has_lse`, `has_zcb`, `arch13` ...). */
  readonly isaFlags: Flags;
  /** DWARF CFI conventions for `.eh_frame` of this ISA. */
  readonly cie: CieConventions;
  compileFunction(func: IrFunction, ctx?: CompileContext): CompiledCode;
}

/** What an ISA package registers with `registerIsa`. */
export interface IsaDescriptor {
  /** Canonical name, as in target lines: `x86_64`, `aarch64`, `riscv64`, `s390x`. */
  readonly name: string;
  /** Triple architecture names that select this ISA (`riscv64gc`, `arm64` ...). */
  readonly aliases?: readonly string[];
  readonly pointerBytes: 4 | 8;
  readonly endianness: Endianness;
  /** The ISA's flags and presets, built like the shared flags. */
  readonly settings: SettingsTemplate;
  create(triple: Triple, flags: Flags, isaFlags: Flags): TargetIsa;
}
