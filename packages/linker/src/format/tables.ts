/**
 * The artifact's smaller sections, little-endian:
 *
 * ```
 *  .windlass.sigs     u32 n, n x (u32 np, np x u8 type, u32 nr, nr x u8 type, u32 entry, u32 exit)
 *                       entry / exit: code range index of the trampoline, 0xffffffff for none
 *  .windlass.funcs    u32 n, n x (u32 offset, u32 size, u32 kind, u32 module, u32 index)
 *                       sorted by offset, disjoint, inside .text; kind 0 function, 1 entry
 *                       trampoline, 2 exit trampoline; index: function index or signature id
 *  .windlass.traps    u32 n, n x (u32 .text offset, u32 trap code), offsets strictly increasing
 *  .windlass.addrmap  u32 n, n x (u32 .text offset, u32 wasm offset), offsets strictly
 *                       increasing; an entry holds until the next; 0xffffffff: no wasm offset
 *  .windlass.names    u32 n, n x (u32 module, u32 function index, str name)
 *  .windlass.hash     u32 algorithm (1: XXH32 seed 0), u32 hash of the file with this field zeroed
 * ```
 */
import { isValType, type ValType } from '@windlass/wasm-frontend';
import { CodeKind, type Artifact, type ArtifactSignature, type CodeRange, type OffsetTable } from '../artifact';
import { LeReader, LeWriter } from './bytes';

const NONE = 0xffffffff;

export function encodeSignatures(sigs: readonly ArtifactSignature[]): Uint8Array {
  const w = new LeWriter();
  w.u32(sigs.length);
  for (const s of sigs) {
    w.u32(s.params.length);
    for (const t of s.params) w.u8(t);
    w.u32(s.results.length);
    for (const t of s.results) w.u8(t);
    w.u32(s.entry < 0 ? NONE : s.entry).u32(s.exit < 0 ? NONE : s.exit);
  }
  return w.finish();
}

function types(r: LeReader, what: string): ValType[] {
  const n = r.count(what, 1);
  const out: ValType[] = [];
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const t = r.u8(what);
    if (!isValType(t)) r.fail(`${what}: 0x${t.toString(16)} is not a value type`, at);
    out.push(t as ValType);
  }
  return out;
}

export function decodeSignatures(r: LeReader, code: readonly CodeRange[]): ArtifactSignature[] {
  const n = r.count('signatures', 16);
  const out: ArtifactSignature[] = [];
  for (let i = 0; i < n; i++) {
    const params = types(r, 'parameter types');
    const results = types(r, 'result types');
    const trampoline = (kind: CodeKind, what: string): number => {
      const at = r.pos;
      const v = r.u32(what);
      if (v === NONE) return -1;
      const c = code[v];
      if (c === undefined || c.kind !== kind || c.index !== i) r.fail(`${what} of signature ${i}: code range ${v} is not that trampoline`, at);
      return v;
    };
    const entry = trampoline(CodeKind.Entry, 'entry trampoline');
    const exit = trampoline(CodeKind.Exit, 'exit trampoline');
    out.push({ params, results, entry, exit });
  }
  r.end();
  return out;
}

export function encodeCode(code: readonly CodeRange[]): Uint8Array {
  const w = new LeWriter();
  w.u32(code.length);
  for (const c of code) w.u32(c.offset).u32(c.size).u32(c.kind).u32(c.module).u32(c.index);
  return w.finish();
}

/** Code ranges; `index` and `module` are checked later against the modules and signatures. */
export function decodeCode(r: LeReader, textSize: number): CodeRange[] {
  const n = r.count('code ranges', 20);
  const out: CodeRange[] = [];
  let end = 0;
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const offset = r.u32('code offset');
    const size = r.u32('code size');
    const kind = r.u32('code kind');
    const module = r.u32('code module');
    const index = r.u32('code index');
    if (kind > 2) r.fail(`code range ${i}: kind ${kind} is not a function or a trampoline`, at);
    if (size === 0 || offset < end || offset + size > textSize) r.fail(`code range ${i} (${offset}+${size}) overlaps the previous one or leaves .text (${textSize} bytes)`, at);
    end = offset + size;
    out.push({ offset, size, kind: kind as CodeKind, module, index });
  }
  r.end();
  return out;
}

export function encodeOffsetTable(t: OffsetTable): Uint8Array {
  const n = t.offsets.length;
  const out = new Uint8Array(4 + 8 * n);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, n, true);
  for (let i = 0; i < n; i++) {
    dv.setUint32(4 + 8 * i, t.offsets[i], true);
    dv.setUint32(8 + 8 * i, t.values[i], true);
  }
  return out;
}

/** (offset, value) pairs with offsets strictly increasing inside .text, into two columns. */
export function decodeOffsetTable(r: LeReader, what: string, textSize: number): OffsetTable {
  const n = r.count(what, 8);
  const base = r.pos;
  const b = r.bytesOf(8 * n, what);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const offsets = new Uint32Array(n);
  const values = new Uint32Array(n);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const offset = dv.getUint32(8 * i, true);
    if (offset <= prev || offset >= textSize) r.fail(`${what} entry ${i}: offset ${offset} is not after the previous one (${prev}) inside .text (${textSize} bytes)`, base + 8 * i);
    offsets[i] = offset;
    values[i] = dv.getUint32(8 * i + 4, true);
    prev = offset;
  }
  r.end();
  return { offsets, values };
}

export function encodeNames(names: Artifact['names']): Uint8Array {
  const w = new LeWriter();
  w.u32(names.length);
  for (const n of names) w.u32(n.module).u32(n.func).str(n.name);
  return w.finish();
}

export function decodeNames(r: LeReader, funcsOf: (module: number) => number | undefined): Artifact['names'] {
  const n = r.count('names', 12);
  const out: Artifact['names'] = [];
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const module = r.u32('name module');
    const func = r.u32('name function');
    const limit = funcsOf(module);
    if (limit === undefined || func >= limit) r.fail(`name ${i} is for function ${func} of module ${module}, which does not exist`, at);
    out.push({ module, func, name: r.str('function name') });
  }
  r.end();
  return out;
}
