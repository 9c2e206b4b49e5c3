// Hand-assembled AArch64, RISC-V 64 and s390x functions (encodings checked with each
// binutils cross `objdump -d`), for linking with the cross compilers and running under qemu.
import type { FunctionBody } from '../module';

function words(endianness: 'little' | 'big', ...ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 4);
  const v = new DataView(out.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w, endianness === 'little'));
  return out;
}

export interface CrossSample {
  readonly target: string;
  readonly gcc: string;
  readonly qemu: string;
  readonly sysroot: string;
  readonly add: FunctionBody;
  readonly callHelper: FunctionBody;
  /** Loads `answer` PC-relatively. */
  readonly getAnswer: FunctionBody;
}

const helperCall = (offset: number, kind: 'Arm64Call' | 'RiscvCallPlt' | 'S390xPLTRel32Dbl', addend = 0) =>
  [{ offset, kind, target: { kind: 'symbol' as const, name: 'c_helper' }, addend }];

export const AARCH64: CrossSample = {
  target: 'aarch64', gcc: 'aarch64-linux-gnu-gcc', qemu: 'qemu-aarch64', sysroot: '/usr/aarch64-linux-gnu',
  // add w0, w0, w1; ret
  add: { bytes: words('little', 0x0b010000, 0xd65f03c0) },
  // stp x29, x30, [sp, #-16]!; mov x29, sp; bl c_helper; add w0, w0, #1; ldp x29, x30, [sp], #16; ret
  callHelper: {
    bytes: words('little', 0xa9bf7bfd, 0x910003fd, 0x94000000, 0x11000400, 0xa8c17bfd, 0xd65f03c0),
    relocs: helperCall(8, 'Arm64Call'),
    unwind: {
      rows: [
        { offset: 4, op: { kind: 'def_cfa_offset', offset: 16 } },
        { offset: 4, op: { kind: 'offset', reg: 29, cfaOffset: -16 } },
        { offset: 4, op: { kind: 'offset', reg: 30, cfaOffset: -8 } },
        { offset: 20, op: { kind: 'def_cfa_offset', offset: 0 } },
        { offset: 20, op: { kind: 'restore', reg: 29 } },
        { offset: 20, op: { kind: 'restore', reg: 30 } },
      ],
    },
  },
  // adrp x0, answer; add x0, x0, :lo12:answer; ldr w0, [x0]; ret
  getAnswer: {
    bytes: words('little', 0x90000000, 0x91000000, 0xb9400000, 0xd65f03c0),
    relocs: [
      { offset: 0, kind: 'Aarch64AdrPrelPgHi21', target: { kind: 'symbol', name: 'answer' }, addend: 0 },
      { offset: 4, kind: 'Aarch64AddAbsLo12Nc', target: { kind: 'symbol', name: 'answer' }, addend: 0 },
    ],
  },
};

export const RISCV64: CrossSample = {
  target: 'riscv64', gcc: 'riscv64-linux-gnu-gcc', qemu: 'qemu-riscv64', sysroot: '/usr/riscv64-linux-gnu',
  // addw a0, a0, a1; ret
  add: { bytes: words('little', 0x00b5053b, 0x00008067) },
  // addi sp, sp, -16; sd ra, 8(sp); auipc ra, 0; jalr ra; addiw a0, a0, 1; ld ra, 8(sp); addi sp, sp, 16; ret
  callHelper: {
    bytes: words('little', 0xff010113, 0x00113423, 0x00000097, 0x000080e7, 0x0015051b, 0x00813083, 0x01010113, 0x00008067),
    relocs: helperCall(8, 'RiscvCallPlt'),
    unwind: {
      rows: [
        { offset: 4, op: { kind: 'def_cfa_offset', offset: 16 } },
        { offset: 8, op: { kind: 'offset', reg: 1, cfaOffset: -8 } },
        { offset: 28, op: { kind: 'def_cfa_offset', offset: 0 } },
        { offset: 28, op: { kind: 'restore', reg: 1 } },
      ],
    },
  },
  // auipc a0, %pcrel_hi(answer); lw a0, %pcrel_lo(auipc)(a0); ret
  getAnswer: {
    bytes: words('little', 0x00000517, 0x00052503, 0x00008067),
    relocs: [
      { offset: 0, kind: 'RiscvPCRelHi20', target: { kind: 'symbol', name: 'answer' }, addend: 0 },
      { offset: 4, kind: 'RiscvPCRelLo12I', target: { kind: 'pcrel_hi', offset: 0 }, addend: 0 },
    ],
  },
};

export const S390X: CrossSample = {
  target: 's390x', gcc: 's390x-linux-gnu-gcc', qemu: 'qemu-s390x', sysroot: '/usr/s390x-linux-gnu',
  // ar %r2, %r3; lgfr %r2, %r2; br %r14
  add: { bytes: new Uint8Array([0x1a, 0x23, 0xb9, 0x14, 0x00, 0x22, 0x07, 0xfe]) },
  // stmg %r14, %r15, 112(%r15); aghi %r15, -160; brasl %r14, c_helper@PLT; ahi %r2, 1; lgfr %r2, %r2;
  // lmg %r14, %r15, 272(%r15); br %r14. The PC32DBL field is 2 bytes into the instruction that
  // the displacement counts from, hence addend 2.
  callHelper: {
    bytes: new Uint8Array([
      0xeb, 0xef, 0xf0, 0x70, 0x00, 0x24, 0xa7, 0xfb, 0xff, 0x60, 0xc0, 0xe5, 0, 0, 0, 0,
      0xa7, 0x2a, 0x00, 0x01, 0xb9, 0x14, 0x00, 0x22, 0xeb, 0xef, 0xf1, 0x10, 0x00, 0x04, 0x07, 0xfe,
    ]),
    relocs: helperCall(12, 'S390xPLTRel32Dbl', 2),
    unwind: {
      rows: [
        { offset: 6, op: { kind: 'offset', reg: 14, cfaOffset: -48 } },
        { offset: 6, op: { kind: 'offset', reg: 15, cfaOffset: -40 } },
        { offset: 10, op: { kind: 'def_cfa_offset', offset: 320 } },
        { offset: 30, op: { kind: 'def_cfa_offset', offset: 160 } },
        { offset: 30, op: { kind: 'restore', reg: 14 } },
        { offset: 30, op: { kind: 'restore', reg: 15 } },
      ],
    },
  },
  // larl %r1, answer; lgf %r2, 0(%r1); br %r14
  getAnswer: {
    bytes: new Uint8Array([0xc0, 0x10, 0, 0, 0, 0, 0xe3, 0x20, 0x10, 0x00, 0x00, 0x14, 0x07, 0xfe]),
    relocs: [{ offset: 2, kind: 'S390xPCRel32Dbl', target: { kind: 'symbol', name: 'answer' }, addend: 2 }],
  },
};
