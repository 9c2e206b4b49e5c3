import {
  AARCH64_CIE, type CieConventions, type Endianness, type RelocKind, RISCV64_CIE, S390X_CIE, X86_64_CIE,
} from '@windlass/codegen';

/** What the ELF writer needs to know about one ISA. */
export interface ElfMachine {
  readonly isa: string;
  readonly eMachine: number;
  readonly eFlags: number;
  readonly endianness: Endianness;
  /** ELF relocation type and patched field size for each supported relocation kind. */
  readonly relocs: Readonly<Partial<Record<RelocKind, { readonly type: number; readonly size: number }>>>;
  /** 32-bit PC-relative relocation used for `.eh_frame` FDE `pc_begin` fields. */
  readonly ehFramePcRel: number;
  readonly cie: CieConventions;
  readonly functionAlignment: number;
  /** Byte filling the gaps between functions (a trap instruction where one byte encodes one). */
  readonly codePadding: number;
  /** True when objects for this machine are linked and run in this package's tests (cc or cross cc + qemu). */
  readonly tested: boolean;
}

// Relocation numbers: x86-64 psABI, ELF for the Arm 64-bit Architecture (AAELF64), RISC-V ELF
// psABI, and the s390x ELF ABI supplement.
export const ELF_MACHINES: Readonly<Record<string, ElfMachine>> = {
  x86_64: {
    isa: 'x86_64', eMachine: 62, eFlags: 0, endianness: 'little',
    relocs: {
      Abs4: { type: 10, size: 4 }, // R_X86_64_32
      Abs8: { type: 1, size: 8 }, // R_X86_64_64
      PCRel4: { type: 2, size: 4 }, // R_X86_64_PC32
      X86PCRel4: { type: 2, size: 4 },
      X86CallPCRel4: { type: 2, size: 4 },
      X86CallPLTRel4: { type: 4, size: 4 }, // R_X86_64_PLT32
      X86GOTPCRel4: { type: 9, size: 4 }, // R_X86_64_GOTPCREL
      X86GOTPCRelX4: { type: 41, size: 4 }, // R_X86_64_GOTPCRELX
      X86RexGOTPCRelX4: { type: 42, size: 4 }, // R_X86_64_REX_GOTPCRELX
      ElfX86_64TlsGd: { type: 19, size: 4 }, // R_X86_64_TLSGD
    },
    ehFramePcRel: 2,
    cie: X86_64_CIE,
    functionAlignment: 16,
    codePadding: 0xcc,
    tested: true,
  },
  aarch64: {
    isa: 'aarch64', eMachine: 183, eFlags: 0, endianness: 'little',
    relocs: {
      Abs4: { type: 258, size: 4 }, // R_AARCH64_ABS32
      Abs8: { type: 257, size: 8 }, // R_AARCH64_ABS64
      PCRel4: { type: 261, size: 4 }, // R_AARCH64_PREL32
      Arm64Call: { type: 283, size: 4 }, // R_AARCH64_CALL26
      Aarch64AdrPrelPgHi21: { type: 275, size: 4 },
      Aarch64AddAbsLo12Nc: { type: 277, size: 4 },
      Aarch64AdrGotPage21: { type: 311, size: 4 },
      Aarch64Ld64GotLo12Nc: { type: 312, size: 4 },
      Aarch64Jump26: { type: 282, size: 4 }, // R_AARCH64_JUMP26
      Aarch64TlsGdAdrPage21: { type: 513, size: 4 }, // R_AARCH64_TLSGD_ADR_PAGE21
      Aarch64TlsGdAddLo12Nc: { type: 514, size: 4 }, // R_AARCH64_TLSGD_ADD_LO12_NC
    },
    ehFramePcRel: 261,
    cie: AARCH64_CIE,
    functionAlignment: 16,
    codePadding: 0,
    tested: true,
  },
  riscv64: {
    // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE, as riscv64-linux-gnu objects carry.
    isa: 'riscv64', eMachine: 243, eFlags: 0x5, endianness: 'little',
    relocs: {
      Abs4: { type: 1, size: 4 }, // R_RISCV_32
      Abs8: { type: 2, size: 8 }, // R_RISCV_64
      PCRel4: { type: 57, size: 4 }, // R_RISCV_32_PCREL
      RiscvCallPlt: { type: 19, size: 8 }, // R_RISCV_CALL_PLT (auipc + jalr)
      RiscvPCRelHi20: { type: 23, size: 4 },
      RiscvGotHi20: { type: 20, size: 4 },
      RiscvPCRelLo12I: { type: 24, size: 4 }, // target: the auipc (a `pcrel_hi` target)
      RiscvTlsGdHi20: { type: 22, size: 4 }, // R_RISCV_TLS_GD_HI20
    },
    ehFramePcRel: 57,
    cie: RISCV64_CIE,
    functionAlignment: 4,
    codePadding: 0,
    tested: true,
  },
  s390x: {
    isa: 's390x', eMachine: 22, eFlags: 0, endianness: 'big',
    relocs: {
      Abs4: { type: 4, size: 4 }, // R_390_32
      Abs8: { type: 22, size: 8 }, // R_390_64
      PCRel4: { type: 5, size: 4 }, // R_390_PC32
      S390xPCRel32Dbl: { type: 19, size: 4 }, // R_390_PC32DBL
      S390xPLTRel32Dbl: { type: 20, size: 4 }, // R_390_PLT32DBL
      S390xGotEnt32Dbl: { type: 26, size: 4 }, // R_390_GOTENT
      S390xTlsGd64: { type: 41, size: 8 }, // R_390_TLS_GD64
      S390xTlsGdCall: { type: 38, size: 6 }, // R_390_TLS_GDCALL (on the brasl)
    },
    ehFramePcRel: 5,
    cie: S390X_CIE,
    functionAlignment: 8,
    codePadding: 0,
    tested: true,
  },
};
