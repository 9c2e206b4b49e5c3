/**
 * Laying out one `.text`: every compiled function and trampoline in order, aligned, with the
 * calls between them resolved (`patchPcRel`), trap sites and source locations moved to `.text`
 * offsets, and the relocations to runtime symbols left for the loader.
 */
import type { CompiledCode, Reloc, RelocKind } from '@windlass/codegen';
import { ELF_MACHINES } from '@windlass/object';
import { NO_WASM_OFFSET, type ArtifactReloc, type CodeRange, type OffsetTable } from './artifact';
import { ArtifactBuildError } from './errors';
import { patchPcRel } from './relocate';
import { RUNTIME_SYMBOLS } from './runtime-abi';

/** One piece of code to place: its symbol (what relocations name) and where it belongs. */
export interface LinkUnit {
  symbol: string;
  code: CompiledCode;
  range: Omit<CodeRange, 'offset' | 'size'>;
  /** Function index for error messages, when a wasm function. */
  func?: number;
}

export interface LinkedText {
  text: Uint8Array;
  code: CodeRange[];
  relocations: ArtifactReloc[];
  traps: OffsetTable;
  addressMap: OffsetTable;
}

/** The first relocation kind with the same ELF type: what `deserialize` reads back. */
function canonicalKind(isa: string, kind: RelocKind): RelocKind | undefined {
  const m = ELF_MACHINES[isa];
  const t = m?.relocs[kind]?.type;
  if (t === undefined) return undefined;
  for (const [k, v] of Object.entries(m.relocs)) if (v?.type === t) return k as RelocKind;
  return kind;
}

function targetName(r: Reloc): string | undefined {
  return r.target.kind === 'symbol' || r.target.kind === 'libcall' ? r.target.name : undefined;
}

export function linkText(isa: string, units: readonly LinkUnit[]): LinkedText {
  const machine = ELF_MACHINES[isa];
  if (!machine) throw new ArtifactBuildError(`no ELF machine for ISA ${isa}`);
  const offsets = new Map<string, number>();
  const code: CodeRange[] = [];
  let size = 0;
  for (const u of units) {
    const align = Math.max(u.code.alignment, machine.functionAlignment, 1);
    size = Math.ceil(size / align) * align;
    offsets.set(u.symbol, size);
    code.push({ ...u.range, offset: size, size: Math.max(1, u.code.bytes.length) });
    size += Math.max(1, u.code.bytes.length);
  }
  const text = new Uint8Array(size).fill(machine.codePadding);
  const relocations: ArtifactReloc[] = [];
  const traps: { offset: number; code: number }[] = [];
  // The address map in two growing columns (a large module has hundreds of thousands of entries).
  let mapOffsets = new Uint32Array(1024);
  let mapValues = new Uint32Array(1024);
  let mapLen = 0;
  units.forEach((u, i) => {
    const base = code[i].offset;
    text.set(u.code.bytes, base);
    for (const r of u.code.relocations) {
      const name = targetName(r);
      const at = base + r.offset;
      const fail = (why: string): never => {
        throw new ArtifactBuildError(`${u.symbol}: ${why}`, u.func);
      };
      if (name === undefined) fail(`relocation ${r.kind} to ${JSON.stringify(r.target)} is not to a symbol`);
      const target = offsets.get(name!);
      if (target !== undefined) {
        const why = patchPcRel(r.kind, text, at, target + r.addend - at);
        if (why !== undefined) fail(`call to ${name}: ${why}`);
      } else if (RUNTIME_SYMBOLS.includes(name!)) {
        const kind = canonicalKind(isa, r.kind);
        if (kind === undefined) fail(`relocation ${r.kind} to ${name} has no ELF type on ${isa}`);
        relocations.push({ offset: at, kind: kind!, symbol: name!, addend: r.addend });
      } else fail(`relocation to ${JSON.stringify(name)}, which is neither in the artifact nor provided by the runtime`);
    }
    for (const t of u.code.traps) traps.push({ offset: base + t.offset, code: t.code });
    // Source locations: each range until the next; gaps (prologue, epilogue) map to nothing.
    let at = base;
    const ranges = [...u.code.srclocs].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
    const put = (offset: number, wasm: number): void => {
      if (mapLen > 0 && mapOffsets[mapLen - 1] === offset) mapValues[mapLen - 1] = wasm;
      else if (mapLen === 0 || mapValues[mapLen - 1] !== wasm) {
        if (mapLen === mapOffsets.length) {
          const o = new Uint32Array(mapLen * 2);
          o.set(mapOffsets);
          mapOffsets = o;
          const v = new Uint32Array(mapLen * 2);
          v.set(mapValues);
          mapValues = v;
        }
        mapOffsets[mapLen] = offset;
        mapValues[mapLen++] = wasm;
      }
    };
    put(base, NO_WASM_OFFSET);
    for (const s of ranges) {
      if (base + s.start > at) put(at, NO_WASM_OFFSET);
      put(base + s.start, s.loc >>> 0);
      at = base + s.end;
    }
    put(at, NO_WASM_OFFSET);
  });
  traps.sort((a, b) => a.offset - b.offset);
  // Trap sites at equal offsets cannot differ in meaning; keep one.
  const uniqueTraps = traps.filter((t, k) => k === 0 || traps[k - 1].offset !== t.offset);
  while (mapLen > 0 && mapOffsets[mapLen - 1] >= size) mapLen--;
  return {
    text, code, relocations,
    traps: { offsets: Uint32Array.from(uniqueTraps, (t) => t.offset), values: Uint32Array.from(uniqueTraps, (t) => t.code) },
    addressMap: { offsets: mapOffsets.slice(0, mapLen), values: mapValues.slice(0, mapLen) },
  };
}
