/**
 * The host's form of component values: the canonical ABI with UTF-8 strings, in the runtime's
 * host memory. Arguments of a call from JavaScript are lowered here into core values and the
 * bytes of the host memory (placed at `HOST_BASE`); results are lifted back from the core values
 * and the host memory the loader returns. The export adapter of the called function does the
 * rest (into the component's memory, its encoding, its resource tables).
 */
import {
  F32,
  F64,
  I32,
  I64,
  MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS,
  alignTo,
  discriminantSize,
  fieldOffsets,
  flagsSize,
  flatten,
  layout,
  payloadOffset,
  valTName,
  type FuncT,
  type ValT,
  type ValType,
} from '@windlass/wasm-frontend';
import { f32Bits, f64Bits, i32, i64, type WasmValue } from '../values';
import { ComponentValueError, ResourceHandle, type ComponentValue, type TaggedValue } from './values';

/** Where the loader puts the bytes of a call's arguments in the host memory. */
export const HOST_BASE = 16;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The host memory being written: a growing buffer whose byte 0 is address `HOST_BASE`. */
class HostWriter {
  buf = new Uint8Array(256);
  dv = new DataView(this.buf.buffer);
  top = 0;

  alloc(align: number, size: number): number {
    const at = alignTo(this.top, align);
    const end = at + size;
    if (end > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < end) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.buf);
      this.buf = b;
      this.dv = new DataView(b.buffer);
    }
    this.top = end;
    return HOST_BASE + at;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.top);
  }
}

type Flat = { t: ValType; v: number | bigint };

function fail(path: string, want: string, v: unknown): never {
  const got = v instanceof ResourceHandle ? 'a resource handle' : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
  throw new ComponentValueError(`${path}: expected ${want}, got ${got}`);
}

const INT_RANGE: Record<string, [number, number]> = { u8: [0, 0xff], s8: [-0x80, 0x7f], u16: [0, 0xffff], s16: [-0x8000, 0x7fff], u32: [0, 0xffffffff], s32: [-0x80000000, 0x7fffffff] };

function int(v: ComponentValue, t: string, path: string): number {
  const [lo, hi] = INT_RANGE[t];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) fail(path, `${t} (an integer in ${lo}..${hi})`, v);
  return v;
}

function int64(v: ComponentValue, t: 'u64' | 's64', path: string): bigint {
  const b = typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
  if (typeof b !== 'bigint' || (t === 'u64' ? b < 0n || b >= 1n << 64n : b < -(1n << 63n) || b >= 1n << 63n)) fail(path, `${t} (a bigint)`, v);
  return b;
}

function str(v: ComponentValue, path: string): Uint8Array {
  if (typeof v !== 'string') fail(path, 'string', v);
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v)) throw new ComponentValueError(`${path}: a string with an unpaired surrogate is not a sequence of Unicode scalar values`);
  return utf8.encode(v);
}

function charCode(v: ComponentValue, path: string): number {
  if (typeof v !== 'string') fail(path, 'char', v);
  const cp = v.codePointAt(0);
  if (cp === undefined || String.fromCodePoint(cp) !== v || (cp >= 0xd800 && cp <= 0xdfff)) fail(path, 'char (one Unicode scalar value)', v);
  return cp;
}

function tagged(v: ComponentValue, names: string[], path: string, t: ValT): { index: number; value?: ComponentValue } {
  if (typeof v === 'string' && t.k === 'enum') {
    const i = names.indexOf(v);
    if (i < 0) fail(path, `one of ${names.join(', ')}`, v);
    return { index: i };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof ResourceHandle || typeof (v as TaggedValue).tag !== 'string') fail(path, `${valTName(t)} ({ tag, value? })`, v);
  const tv = v as TaggedValue;
  const i = names.indexOf(tv.tag);
  if (i < 0) fail(path, `a case of ${names.join(', ')}`, tv.tag);
  return { index: i, value: tv.value };
}

function cases(t: ValT): { name: string; t?: ValT }[] {
  switch (t.k) {
    case 'option':
      return [{ name: 'none' }, { name: 'some', t: t.t }];
    case 'result':
      return [t.ok ? { name: 'ok', t: t.ok } : { name: 'ok' }, t.err ? { name: 'err', t: t.err } : { name: 'err' }];
    case 'enum':
      return t.names.map((name) => ({ name }));
    case 'variant':
      return t.cases;
    default:
      return [];
  }
}

function flagBits(v: ComponentValue, names: string[], path: string): number {
  if (!Array.isArray(v)) fail(path, `flags (an array of ${names.join(', ')})`, v);
  let bits = 0;
  for (const f of v) {
    const i = typeof f === 'string' ? names.indexOf(f) : -1;
    if (i < 0) fail(path, `a flag of ${names.join(', ')}`, f);
    bits = (bits | (1 << i)) >>> 0;
  }
  return bits;
}

function handle(v: ComponentValue, path: string): number {
  if (!(v instanceof ResourceHandle)) fail(path, 'a resource handle', v);
  return v.index;
}

function record(v: ComponentValue, fields: { name: string }[], path: string): ComponentValue[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof ResourceHandle) fail(path, `a record { ${fields.map((f) => f.name).join(', ')} }`, v);
  return fields.map((f) => {
    const x = (v as Record<string, ComponentValue>)[f.name];
    if (x === undefined) throw new ComponentValueError(`${path}: field ${f.name} is missing`);
    return x;
  });
}

function tuple(v: ComponentValue, n: number, path: string): ComponentValue[] {
  if (!Array.isArray(v) || v.length !== n) fail(path, `a tuple of ${n}`, v);
  return v;
}

// ------------------------------------------------------------------ lowering into the host's form

function store(w: HostWriter, v: ComponentValue, t: ValT, addr: number, path: string): void {
  const dv = w.dv;
  const at = addr - HOST_BASE;
  switch (t.k) {
    case 'bool':
      if (typeof v !== 'boolean') fail(path, 'bool', v);
      dv.setUint8(at, v ? 1 : 0);
      return;
    case 'u8':
    case 's8':
      dv.setUint8(at, int(v, t.k, path) & 0xff);
      return;
    case 'u16':
    case 's16':
      dv.setUint16(at, int(v, t.k, path) & 0xffff, true);
      return;
    case 'u32':
    case 's32':
      dv.setUint32(at, int(v, t.k, path) >>> 0, true);
      return;
    case 'u64':
    case 's64':
      dv.setBigUint64(at, BigInt.asUintN(64, int64(v, t.k, path)), true);
      return;
    case 'f32':
      if (typeof v !== 'number') fail(path, 'f32', v);
      dv.setFloat32(at, v, true);
      return;
    case 'f64':
      if (typeof v !== 'number') fail(path, 'f64', v);
      dv.setFloat64(at, v, true);
      return;
    case 'char':
      dv.setUint32(at, charCode(v, path), true);
      return;
    case 'flags': {
      const bits = flagBits(v, t.names, path);
      const s = flagsSize(t.names.length);
      if (s === 1) dv.setUint8(at, bits);
      else if (s === 2) dv.setUint16(at, bits, true);
      else dv.setUint32(at, bits, true);
      return;
    }
    case 'own':
    case 'borrow':
      dv.setUint32(at, handle(v, path), true);
      return;
    case 'string':
    case 'list': {
      const [p, n] = lowerFlat(w, v, t, path).map((f) => f.v as number);
      w.dv.setUint32(at, p, true);
      w.dv.setUint32(at + 4, n, true);
      return;
    }
    case 'record':
    case 'tuple': {
      const fields = t.k === 'record' ? t.fields : t.ts.map((x, i) => ({ name: String(i), t: x }));
      const vals = t.k === 'record' ? record(v, fields, path) : tuple(v, t.ts.length, path);
      const offs = fieldOffsets(fields);
      fields.forEach((f, i) => store(w, vals[i], f.t, addr + offs[i], `${path}.${f.name}`));
      return;
    }
    default: {
      const cs = cases(t);
      const { index, value } = tagged(v, cs.map((c) => c.name), path, t);
      const d = discriminantSize(cs.length);
      if (d === 1) w.dv.setUint8(at, index);
      else if (d === 2) w.dv.setUint16(at, index, true);
      else w.dv.setUint32(at, index, true);
      const c = cs[index];
      if (c.t) {
        if (value === undefined) throw new ComponentValueError(`${path}: case ${c.name} needs a value`);
        store(w, value, c.t, addr + payloadOffset({ cases: cs }), `${path}(${c.name})`);
      }
    }
  }
}

function lowerFlat(w: HostWriter, v: ComponentValue, t: ValT, path: string): Flat[] {
  switch (t.k) {
    case 'bool':
      if (typeof v !== 'boolean') fail(path, 'bool', v);
      return [{ t: I32, v: v ? 1 : 0 }];
    case 'u8':
    case 's8':
    case 'u16':
    case 's16':
    case 'u32':
    case 's32':
      return [{ t: I32, v: int(v, t.k, path) | 0 }];
    case 'u64':
    case 's64':
      return [{ t: I64, v: BigInt.asIntN(64, int64(v, t.k, path)) }];
    case 'f32':
      if (typeof v !== 'number') fail(path, 'f32', v);
      return [{ t: F32, v }];
    case 'f64':
      if (typeof v !== 'number') fail(path, 'f64', v);
      return [{ t: F64, v }];
    case 'char':
      return [{ t: I32, v: charCode(v, path) }];
    case 'flags':
      return [{ t: I32, v: flagBits(v, t.names, path) | 0 }];
    case 'own':
    case 'borrow':
      return [{ t: I32, v: handle(v, path) }];
    case 'string': {
      const b = str(v, path);
      const p = w.alloc(1, b.length);
      w.buf.set(b, p - HOST_BASE);
      return [{ t: I32, v: p }, { t: I32, v: b.length }];
    }
    case 'list': {
      if (!Array.isArray(v)) fail(path, valTName(t), v);
      const { size, align } = layout(t.t);
      const p = w.alloc(align, size * v.length);
      v.forEach((x, i) => store(w, x, t.t, p + i * size, `${path}[${i}]`));
      return [{ t: I32, v: p }, { t: I32, v: v.length }];
    }
    case 'record':
    case 'tuple': {
      const fields = t.k === 'record' ? t.fields : t.ts.map((x, i) => ({ name: String(i), t: x }));
      const vals = t.k === 'record' ? record(v, fields, path) : tuple(v, t.ts.length, path);
      return fields.flatMap((f, i) => lowerFlat(w, vals[i], f.t, `${path}.${f.name}`));
    }
    default: {
      const cs = cases(t);
      const { index, value } = tagged(v, cs.map((c) => c.name), path, t);
      const joined = flatten(t).slice(1);
      const out: Flat[] = [{ t: I32, v: index }];
      const c = cs[index];
      const payload = c.t ? (value === undefined ? missing(path, c.name) : lowerFlat(w, value, c.t, `${path}(${c.name})`)) : [];
      joined.forEach((jt, i) => {
        const p = payload[i];
        out.push({ t: jt, v: p === undefined ? (jt === I64 ? 0n : 0) : widen(p, jt) });
      });
      return out;
    }
  }
}

function missing(path: string, name: string): never {
  throw new ComponentValueError(`${path}: case ${name} needs a value`);
}

/** A payload value in the joined flat type of a variant. */
function widen(p: Flat, to: ValType): number | bigint {
  if (p.t === to) return p.v;
  const dv = new DataView(new ArrayBuffer(8));
  if (p.t === F32) {
    dv.setFloat32(0, p.v as number, true);
    const bits = dv.getUint32(0, true);
    return to === I64 ? BigInt(bits) : bits | 0;
  }
  if (p.t === F64) {
    dv.setFloat64(0, p.v as number, true);
    return dv.getBigInt64(0, true);
  }
  return BigInt.asIntN(64, BigInt((p.v as number) >>> 0));
}

function toWasm(f: Flat): WasmValue {
  switch (f.t) {
    case I32:
      return i32(f.v as number);
    case I64:
      return i64(f.v as bigint);
    case F32: {
      const dv = new DataView(new ArrayBuffer(4));
      dv.setFloat32(0, f.v as number, true);
      return f32Bits(dv.getUint32(0, true));
    }
    default: {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setFloat64(0, f.v as number, true);
      return f64Bits(dv.getBigUint64(0, true));
    }
  }
}

/**
 * Lowers the arguments of a call of `t` into the host's form: the core arguments of its export
 * adapter and the bytes to place at `HOST_BASE` of the host memory.
 */
export function lowerArgs(t: FuncT, args: readonly ComponentValue[]): { core: WasmValue[]; blob: Uint8Array } {
  if (args.length !== t.params.length) throw new ComponentValueError(`${t.params.length} argument${t.params.length === 1 ? '' : 's'} expected, ${args.length} given`);
  const w = new HostWriter();
  const flat = t.params.flatMap((p) => flatten(p.t));
  if (flat.length > MAX_FLAT_PARAMS) {
    const tt: ValT = { k: 'tuple', ts: t.params.map((p) => p.t) };
    const l = layout(tt);
    const p = w.alloc(l.align, l.size);
    const offs = fieldOffsets(t.params);
    t.params.forEach((x, i) => store(w, args[i], x.t, p + offs[i], x.name));
    return { core: [i32(p)], blob: w.bytes() };
  }
  const core = t.params.flatMap((x, i) => lowerFlat(w, args[i], x.t, x.name)).map(toWasm);
  return { core, blob: w.bytes() };
}

// ------------------------------------------------------------------ lifting from the host's form

class HostReader {
  readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    /** The host's handles of a resource type: their runtime type id. */
    readonly resource: (r: number) => number,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  check(addr: number, size: number): void {
    if (addr + size > this.bytes.length) throw new ComponentValueError(`the result lies outside the host memory (${addr}+${size} of ${this.bytes.length} bytes)`);
  }
}

function load(r: HostReader, addr: number, t0: ValT): ComponentValue {
  const t = t0;
  const dv = r.dv;
  r.check(addr, layout(t).size);
  switch (t.k) {
    case 'bool':
      return dv.getUint8(addr) !== 0;
    case 'u8':
      return dv.getUint8(addr);
    case 's8':
      return dv.getInt8(addr);
    case 'u16':
      return dv.getUint16(addr, true);
    case 's16':
      return dv.getInt16(addr, true);
    case 'u32':
      return dv.getUint32(addr, true);
    case 's32':
      return dv.getInt32(addr, true);
    case 'u64':
      return dv.getBigUint64(addr, true);
    case 's64':
      return dv.getBigInt64(addr, true);
    case 'f32':
      return dv.getFloat32(addr, true);
    case 'f64':
      return dv.getFloat64(addr, true);
    case 'char':
      return String.fromCodePoint(dv.getUint32(addr, true));
    case 'flags': {
      const s = flagsSize(t.names.length);
      const bits = s === 1 ? dv.getUint8(addr) : s === 2 ? dv.getUint16(addr, true) : dv.getUint32(addr, true);
      return t.names.filter((_, i) => (bits >>> i) & 1);
    }
    case 'own':
    case 'borrow':
      return new ResourceHandle(dv.getUint32(addr, true), r.resource(t.r));
    case 'string':
    case 'list':
      return liftPair(r, t, dv.getUint32(addr, true), dv.getUint32(addr + 4, true));
    case 'record':
    case 'tuple': {
      const fields = t.k === 'record' ? t.fields : t.ts.map((x, i) => ({ name: String(i), t: x }));
      const offs = fieldOffsets(fields);
      const vals = fields.map((f, i) => load(r, addr + offs[i], f.t));
      if (t.k === 'tuple') return vals;
      return Object.fromEntries(fields.map((f, i) => [f.name, vals[i]]));
    }
    default: {
      const cs = cases(t);
      const d = discriminantSize(cs.length);
      const index = d === 1 ? dv.getUint8(addr) : d === 2 ? dv.getUint16(addr, true) : dv.getUint32(addr, true);
      if (index >= cs.length) throw new ComponentValueError(`discriminant ${index} out of range [0..${cs.length})`);
      const c = cs[index];
      if (t.k === 'enum') return c.name;
      return c.t ? { tag: c.name, value: load(r, addr + payloadOffset({ cases: cs }), c.t) } : { tag: c.name };
    }
  }
}

function liftPair(r: HostReader, t: ValT, p: number, n: number): ComponentValue {
  if (t.k === 'string') {
    r.check(p, n);
    return fromUtf8.decode(r.bytes.subarray(p, p + n));
  }
  const elem = (t as { t: ValT }).t;
  const size = layout(elem).size;
  r.check(p, n * size);
  const out: ComponentValue[] = [];
  for (let i = 0; i < n; i++) out.push(load(r, p + i * size, elem));
  return out;
}

/** A flat core value as bits of its type. */
function core(v: WasmValue): number | bigint {
  switch (v.type) {
    case 'i32':
      return v.value >>> 0;
    case 'i64':
      return BigInt.asUintN(64, v.value);
    case 'f32':
      return v.bits;
    case 'f64':
      return v.bits;
    default:
      throw new ComponentValueError(`a ${v.type} result of an export adapter`);
  }
}

const scratch = new DataView(new ArrayBuffer(8));

function asF32(bits: number | bigint): number {
  scratch.setUint32(0, Number(BigInt.asUintN(32, BigInt(bits))), true);
  return scratch.getFloat32(0, true);
}

function asF64(bits: number | bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, BigInt(bits)), true);
  return scratch.getFloat64(0, true);
}

/** Lifts `t` from flat core values (as bits), `take` giving the next one. */
function liftFlat(r: HostReader, t: ValT, take: () => number | bigint): ComponentValue {
  const u32 = (): number => Number(BigInt.asUintN(32, BigInt(take())));
  switch (t.k) {
    case 'bool':
      return u32() !== 0;
    case 'u8':
      return u32() & 0xff;
    case 's8':
      return (u32() << 24) >> 24;
    case 'u16':
      return u32() & 0xffff;
    case 's16':
      return (u32() << 16) >> 16;
    case 'u32':
      return u32();
    case 's32':
      return u32() | 0;
    case 'u64':
      return BigInt.asUintN(64, BigInt(take()));
    case 's64':
      return BigInt.asIntN(64, BigInt(take()));
    case 'f32':
      return asF32(take());
    case 'f64':
      return asF64(take());
    case 'char':
      return String.fromCodePoint(u32());
    case 'flags': {
      const bits = u32();
      return t.names.filter((_, i) => (bits >>> i) & 1);
    }
    case 'own':
    case 'borrow':
      return new ResourceHandle(u32(), r.resource(t.r));
    case 'string':
    case 'list': {
      const p = u32();
      return liftPair(r, t, p, u32());
    }
    case 'record':
    case 'tuple': {
      const fields = t.k === 'record' ? t.fields : t.ts.map((y, i) => ({ name: String(i), t: y }));
      const vs = fields.map((f) => liftFlat(r, f.t, take));
      return t.k === 'tuple' ? vs : Object.fromEntries(fields.map((f, i) => [f.name, vs[i]]));
    }
    default: {
      const cs = cases(t);
      const index = u32();
      const payload = flatten(t).slice(1).map(() => take());
      if (index >= cs.length) throw new ComponentValueError(`discriminant ${index} out of range [0..${cs.length})`);
      const c = cs[index];
      if (t.k === 'enum') return c.name;
      if (!c.t) return { tag: c.name };
      // The joined slots hold the case's values as bits (an f32 in the low half of an i64 slot).
      let k = 0;
      return { tag: c.name, value: liftFlat(r, c.t, () => payload[k++]) };
    }
  }
}

/**
 * Lifts the results of an export adapter: its core results and the host memory after the call
 * (`host`: its bytes from address 0). `resource` maps a type's resource to its runtime type.
 */
export function liftResults(t: FuncT, results: readonly WasmValue[], host: Uint8Array, resource: (r: number) => number): ComponentValue | undefined {
  if (!t.result) return undefined;
  const r = new HostReader(host, resource);
  if (flatten(t.result).length > MAX_FLAT_RESULTS) return load(r, Number(core(results[0])), t.result);
  const vals = results.map(core);
  let k = 0;
  return liftFlat(r, t.result, () => vals[k++]);
}
