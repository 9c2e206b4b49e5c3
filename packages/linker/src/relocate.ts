/**
 * Resolving a PC-relative relocation in place, per relocation kind: the linker uses it for the
 * calls between functions of one `.text`; the loader's C table (`loader/reloc.c` of
 * `@windlass/runtime`) does the same for the runtime symbols. `delta` is S + A - P, P the address
 * of the relocated field (the `auipc` for RISC-V call pairs).
 */
import type { RelocKind } from '@windlass/codegen';

function fits(v: number, bits: number): boolean {
  return v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);
}

/** Patches `text` at `at`; returns why it cannot, or undefined when done. */
export function patchPcRel(kind: RelocKind, text: Uint8Array, at: number, delta: number): string | undefined {
  const dv = new DataView(text.buffer, text.byteOffset, text.byteLength);
  switch (kind) {
    case 'X86CallPCRel4':
    case 'X86CallPLTRel4':
    case 'X86PCRel4':
      if (!fits(delta, 32)) return `${kind} displacement ${delta} does not fit 32 bits`;
      dv.setInt32(at, delta, true);
      return undefined;
    case 'Arm64Call': {
      if (delta % 4 !== 0 || !fits(delta, 28)) return `${kind} displacement ${delta} is not a multiple of 4 within 128 MiB`;
      const w = dv.getUint32(at, true);
      dv.setUint32(at, ((w & 0xfc000000) | ((delta >> 2) & 0x03ffffff)) >>> 0, true);
      return undefined;
    }
    case 'RiscvCallPlt': {
      const hi = (delta + 0x800) >> 12;
      const lo = delta - hi * 4096;
      if (!fits(delta, 32)) return `${kind} displacement ${delta} does not fit 32 bits`;
      const auipc = dv.getUint32(at, true);
      const jalr = dv.getUint32(at + 4, true);
      dv.setUint32(at, ((auipc & 0xfff) | ((hi & 0xfffff) << 12)) >>> 0, true);
      dv.setUint32(at + 4, ((jalr & 0xfffff) | ((lo & 0xfff) << 20)) >>> 0, true);
      return undefined;
    }
    case 'S390xPCRel32Dbl':
    case 'S390xPLTRel32Dbl':
      if (delta % 2 !== 0 || !fits(delta, 33)) return `${kind} displacement ${delta} is odd or does not fit`;
      dv.setInt32(at, delta / 2, false);
      return undefined;
    default:
      return `relocation kind ${kind} cannot be resolved between functions of one artifact`;
  }
}
