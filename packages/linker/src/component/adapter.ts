/**
 * Fused adapters: the core function that a `canon lower` of a `canon lift`ed function becomes.
 * It lifts the arguments from the caller's core values and memory and lowers them straight into
 * the callee's (strings transcoded, lists copied, handles moved between resource tables), calls
 * the callee, lifts its results and lowers them back, then runs `post-return`: the canonical ABI
 * of CanonicalABI.md, written as one wasm function of a module of its own (multi-memory: the
 * caller's memory and the callee's are both imported). The same generator makes the adapters
 * between components and the host's form (`host-form`: the runtime's memory, UTF-8).
 *
 * ```
 *  (import "adapter" "callee" (func ...))          the lifted core function (lift signature)
 *  (import "adapter" "lower.memory" (memory ...))   options of each side, as the lowering and the
 *  (import "adapter" "lift.memory" (memory ...))      lifting give them
 *  (import "adapter" "lift.realloc" (func ...)) ... (import "wl" "trap" ...) (import "wl" "own.lift.0" ...)
 *  (import "adapter" "lower.flags" (global (mut i32)))  may_leave of each side's component instance
 *  (func (export "adapter") <lower signature> ...)
 * ```
 *
 * The bytes depend only on the function's shape and the options' presence (resources and
 * instances are bound through imports), so equal adapters are compiled once.
 */
import {
  Code,
  ExternKind,
  F32,
  F64,
  I32,
  I64,
  MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS,
  ModuleBuilder,
  despecialize,
  fieldOffsets,
  flagsSize,
  flatten,
  flattenFunc,
  layout,
  payloadOffset,
  discriminantSize,
  type FuncT,
  type StringEncoding,
  type ValT,
  type ValType,
} from '@windlass/wasm-frontend';
import { ComponentTrap as T, MAY_LEAVE, RUNTIME_IMPORT_MODULE, Transcode as X } from './runtime-abi';

/** What one side of an adapter has. */
export interface AdapterSide {
  encoding: StringEncoding;
  memory: boolean;
  realloc: boolean;
  postReturn?: boolean;
  /** The side is the host's form: the adapter marks and releases the host memory around the call. */
  host?: boolean;
}

export interface AdapterSpec {
  t: FuncT;
  /** The caller's options (the `canon lower`). */
  lower: AdapterSide;
  /** The callee's options (the `canon lift`). */
  lift: AdapterSide;
  /** An adapter that only traps (a call that would re-enter a component instance). */
  trap?: 'cannot-enter';
}

export type Side = 'lower' | 'lift';

/** What an import of an adapter module must be bound to. */
export type AdapterImport =
  | { k: 'callee' }
  | { k: 'memory'; side: Side }
  | { k: 'realloc'; side: Side }
  | { k: 'post-return' }
  | { k: 'flags'; side: Side }
  | { k: 'runtime'; fn: 'trap' | 'transcode' | 'call.begin' | 'call.end' | 'host.mark' | 'host.release' }
  | { k: 'resource'; fn: 'own.lift' | 'own.lower' | 'borrow.lift' | 'borrow.lower'; side: Side; r: number };

export interface Adapter {
  bytes: Uint8Array;
  /** One entry per import of the module, in order. */
  imports: AdapterImport[];
}

/** The name of the export of every adapter module. */
export const ADAPTER_EXPORT = 'adapter';

const MAX_BYTES = 0x7fffffff;
const UTF16_TAG = 0x80000000;

// Opcodes used here.
const enum Op {
  Unreachable = 0x00,
  Drop = 0x1a,
  Select = 0x1b,
  BrTable = 0x0e,
  Return = 0x0f,
  I32Load = 0x28,
  I64Load = 0x29,
  F32Load = 0x2a,
  F64Load = 0x2b,
  I32Load8S = 0x2c,
  I32Load8U = 0x2d,
  I32Load16S = 0x2e,
  I32Load16U = 0x2f,
  I32Store = 0x36,
  I64Store = 0x37,
  F32Store = 0x38,
  F64Store = 0x39,
  I32Store8 = 0x3a,
  I32Store16 = 0x3b,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtU = 0x49,
  I32GtU = 0x4b,
  I32GeU = 0x4f,
  I64GtU = 0x56,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32Mul = 0x6c,
  I32And = 0x71,
  I32Or = 0x72,
  I32Xor = 0x73,
  I32Shl = 0x74,
  I32ShrU = 0x76,
  I64Add = 0x7c,
  I64Mul = 0x7e,
  I64Shl = 0x86,
  I64ShrU = 0x88,
  I32WrapI64 = 0xa7,
  I64ExtendI32U = 0xad,
  I32ReinterpretF32 = 0xbc,
  I64ReinterpretF64 = 0xbd,
  F32ReinterpretI32 = 0xbe,
  F64ReinterpretI64 = 0xbf,
  I32Extend8S = 0xc0,
  I32Extend16S = 0xc1,
}

/** Where a value comes from: core values in locals, or linear memory at `addr + off`. */
type Src = { k: 'flat'; locals: number[]; types: ValType[] } | { k: 'mem'; side: Side; addr: number; off: number };
/** Where it goes: locals to set, or linear memory. */
type Dst = Src;

interface Dir {
  from: Side;
  to: Side;
}

/** Whether a list of `t` may be copied byte for byte (no validation, no handles, no pointers). */
function bitwise(t: ValT): boolean {
  switch (t.k) {
    case 's8':
    case 'u8':
    case 's16':
    case 'u16':
    case 's32':
    case 'u32':
    case 's64':
    case 'u64':
    case 'f32':
    case 'f64':
      return true;
    case 'record':
      return t.fields.every((f) => bitwise(f.t));
    case 'tuple':
      return t.ts.every(bitwise);
    default:
      return false;
  }
}

class Gen {
  readonly m = new ModuleBuilder();
  readonly imports: AdapterImport[] = [];
  c!: Code;
  private readonly fn = new Map<string, number>();
  private readonly mem: Partial<Record<Side, number>> = {};
  private readonly flags: Partial<Record<Side, number>> = {};
  private memCount = 0;

  constructor(readonly spec: AdapterSpec) {}

  private importFunc(key: string, imp: AdapterImport, module: string, name: string, params: ValType[], results: ValType[]): void {
    this.fn.set(key, this.m.importFunc(module, name, { params, results }));
    this.imports.push(imp);
  }

  private f(key: string): number {
    const i = this.fn.get(key);
    if (i === undefined) throw new Error(`adapter: ${key} was not imported`);
    return i;
  }

  /** Declares every import the adapter's body will use (imports come before the function). */
  declare(): void {
    const { t, lift } = this.spec;
    const s = this.spec;
    if (s.trap) {
      this.importFunc('trap', { k: 'runtime', fn: 'trap' }, RUNTIME_IMPORT_MODULE, 'trap', [I32, I32, I32], []);
      return;
    }
    const calleeSig = flattenFunc(t, 'lift');
    this.importFunc('callee', { k: 'callee' }, 'adapter', 'callee', calleeSig.params, calleeSig.results);
    for (const side of ['lower', 'lift'] as const) {
      if (!s[side].memory) continue;
      this.mem[side] = this.m.importMemory('adapter', `${side}.memory`, { limits: { min: 0 } });
      this.imports.push({ k: 'memory', side });
      this.memCount++;
    }
    for (const side of ['lower', 'lift'] as const) {
      if (s[side].realloc) this.importFunc(`${side}.realloc`, { k: 'realloc', side }, 'adapter', `${side}.realloc`, [I32, I32, I32, I32], [I32]);
    }
    if (lift.postReturn) this.importFunc('post-return', { k: 'post-return' }, 'adapter', 'post-return', calleeSig.results, []);
    this.importFunc('trap', { k: 'runtime', fn: 'trap' }, RUNTIME_IMPORT_MODULE, 'trap', [I32, I32, I32], []);
    const types = [...t.params.map((p) => p.t), ...(t.result ? [t.result] : [])];
    const has = (p: (x: ValT) => boolean): boolean => types.some((x) => contains(x, p));
    if (has((x) => x.k === 'string')) this.importFunc('transcode', { k: 'runtime', fn: 'transcode' }, RUNTIME_IMPORT_MODULE, 'transcode', [I32, I32, I32, I32, I32, I32, I32], [I64]);
    const borrows = t.params.some((p) => contains(p.t, (x) => x.k === 'borrow'));
    if (borrows) {
      this.importFunc('call.begin', { k: 'runtime', fn: 'call.begin' }, RUNTIME_IMPORT_MODULE, 'call.begin', [], []);
      this.importFunc('call.end', { k: 'runtime', fn: 'call.end' }, RUNTIME_IMPORT_MODULE, 'call.end', [], []);
    }
    if (lift.host) {
      this.importFunc('host.mark', { k: 'runtime', fn: 'host.mark' }, RUNTIME_IMPORT_MODULE, 'host.mark', [], [I32]);
      this.importFunc('host.release', { k: 'runtime', fn: 'host.release' }, RUNTIME_IMPORT_MODULE, 'host.release', [I32], []);
    }
    // Handle operations, one import per (operation, side, resource) in order of first use.
    let n = 0;
    const handleOps = (x: ValT, dir: Dir): void => {
      walk(x, (y) => {
        if (y.k !== 'own' && y.k !== 'borrow') return;
        for (const [op, side] of [[`${y.k}.lift`, dir.from], [`${y.k}.lower`, dir.to]] as const) {
          const key = `${op}:${side}:${y.r}`;
          if (this.fn.has(key)) continue;
          const fn = op as 'own.lift' | 'own.lower' | 'borrow.lift' | 'borrow.lower';
          this.importFunc(key, { k: 'resource', fn, side, r: y.r }, RUNTIME_IMPORT_MODULE, `${op}.${n++}`, [I32], [I32]);
        }
      });
    };
    for (const p of t.params) handleOps(p.t, { from: 'lower', to: 'lift' });
    if (t.result) handleOps(t.result, { from: 'lift', to: 'lower' });
    for (const side of ['lower', 'lift'] as const) {
      this.flags[side] = this.m.importGlobal('adapter', `${side}.flags`, { type: I32, mutable: true });
      this.imports.push({ k: 'flags', side });
    }
  }

  // ------------------------------------------------------------ small helpers

  private trap(code: T, a?: () => void, b?: () => void): void {
    const c = this.c;
    c.i32(code);
    if (a) a();
    else c.i32(0);
    if (b) b();
    else c.i32(0);
    c.call(this.f('trap')).op(Op.Unreachable);
  }

  /** `if (cond on the stack) trap(code, a, b)`. */
  private trapIf(code: T, a?: () => void, b?: () => void): void {
    this.c.if();
    this.trap(code, a, b);
    this.c.end();
  }

  private memIndex(side: Side): number {
    const i = this.mem[side];
    if (i === undefined) throw new Error(`adapter: the ${side} side has no memory`);
    return i;
  }

  /** Pushes the byte size of `side`'s memory as an i64. */
  private memBytes(side: Side): void {
    this.c.memorySize(this.memIndex(side)).op(Op.I64ExtendI32U).i64(16n).op(Op.I64Shl);
  }

  /** Traps with `code` unless `ptr + len` (locals, i32) lies inside `side`'s memory. */
  private checkBounds(side: Side, ptr: number, len: number | (() => void), code: T): void {
    const c = this.c;
    c.get(ptr).op(Op.I64ExtendI32U);
    if (typeof len === 'number') c.get(len).op(Op.I64ExtendI32U);
    else len();
    c.op(Op.I64Add);
    this.memBytes(side);
    c.op(Op.I64GtU);
    this.trapIf(code);
  }

  private checkAlign(ptr: number, align: number, code: T): void {
    if (align <= 1) return;
    this.c.get(ptr).i32(align - 1).op(Op.I32And);
    this.trapIf(code);
  }

  /** Calls `side`'s realloc with may_leave cleared on that side; leaves the new pointer in a new local. */
  private realloc(side: Side, old: () => void, oldSize: () => void, align: number, newSize: () => void): number {
    const c = this.c;
    const g = this.flags[side]!;
    const saved = c.local(I32);
    const p = c.local(I32);
    c.globalGet(g).tee(saved).i32(~MAY_LEAVE).op(Op.I32And).globalSet(g);
    old();
    oldSize();
    c.i32(align);
    newSize();
    c.call(this.f(`${side}.realloc`)).set(p);
    c.get(saved).globalSet(g);
    return p;
  }

  /** A fresh allocation of `size` bytes (a local) on `side`, checked for alignment and bounds. */
  private alloc(side: Side, align: number, size: number, oob: T): number {
    const c = this.c;
    const p = this.realloc(side, () => c.i32(0), () => c.i32(0), align, () => c.get(size));
    this.checkAlign(p, align, T.UnalignedPointer);
    this.checkBounds(side, p, size, oob);
    return p;
  }

  // ------------------------------------------------------------ reading and writing scalars

  private load(src: Extract<Src, { k: 'mem' }>, op: number, align: number, extra = 0): void {
    this.c.get(src.addr).mem(op, this.memIndex(src.side), align, src.off + extra);
  }

  /** Pushes the scalar of `src` (a flat source has exactly one local here). */
  private read(src: Src, loadOp: number, align: number): void {
    if (src.k === 'flat') this.c.get(src.locals[0]);
    else this.load(src, loadOp, align);
  }

  /** Writes the value `value` pushes to `dst`. */
  private write(dst: Dst, storeOp: number, align: number, value: () => void): void {
    const c = this.c;
    if (dst.k === 'flat') {
      value();
      c.set(dst.locals[0]);
      return;
    }
    c.get(dst.addr);
    value();
    c.mem(storeOp, this.memIndex(dst.side), align, dst.off);
  }

  private field(x: Src, flatFrom: number, flatTypes: ValType[], off: number): Src {
    if (x.k === 'flat') return { k: 'flat', locals: x.locals.slice(flatFrom, flatFrom + flatTypes.length), types: flatTypes };
    return { k: 'mem', side: x.side, addr: x.addr, off: x.off + off };
  }

  // ------------------------------------------------------------ translation of values

  /** Lifts a value of type `t` from `src` (side `dir.from`) and lowers it into `dst` (side `dir.to`). */
  translate(t0: ValT, src: Src, dst: Dst, dir: Dir): void {
    const c = this.c;
    const t = despecialize(t0);
    switch (t.k) {
      case 'bool':
        this.write(dst, Op.I32Store8, 0, () => {
          this.read(src, Op.I32Load8U, 0);
          c.i32(0).op(Op.I32Ne);
        });
        return;
      case 'u8':
      case 's8':
        this.write(dst, Op.I32Store8, 0, () => {
          if (src.k === 'flat') {
            c.get(src.locals[0]);
            if (t.k === 'u8') c.i32(0xff).op(Op.I32And);
            else c.op(Op.I32Extend8S);
          } else this.load(src, t.k === 'u8' ? Op.I32Load8U : Op.I32Load8S, 0);
        });
        return;
      case 'u16':
      case 's16':
        this.write(dst, Op.I32Store16, 1, () => {
          if (src.k === 'flat') {
            c.get(src.locals[0]);
            if (t.k === 'u16') c.i32(0xffff).op(Op.I32And);
            else c.op(Op.I32Extend16S);
          } else this.load(src, t.k === 'u16' ? Op.I32Load16U : Op.I32Load16S, 1);
        });
        return;
      case 'u32':
      case 's32':
        this.write(dst, Op.I32Store, 2, () => this.read(src, Op.I32Load, 2));
        return;
      case 'u64':
      case 's64':
        this.write(dst, Op.I64Store, 3, () => this.read(src, Op.I64Load, 3));
        return;
      case 'f32':
        this.write(dst, Op.F32Store, 2, () => this.read(src, Op.F32Load, 2));
        return;
      case 'f64':
        this.write(dst, Op.F64Store, 3, () => this.read(src, Op.F64Load, 3));
        return;
      case 'char': {
        const v = c.local(I32);
        this.read(src, Op.I32Load, 2);
        c.set(v);
        // Above 0x10ffff, or a surrogate (0xd800..0xdfff).
        c.get(v).i32(0x10ffff).op(Op.I32GtU);
        c.get(v).i32(0xd800).op(Op.I32Sub).i32(0x800).op(Op.I32LtU).op(Op.I32Or);
        this.trapIf(T.InvalidChar, () => c.get(v));
        this.write(dst, Op.I32Store, 2, () => c.get(v));
        return;
      }
      case 'flags': {
        const n = t.names.length;
        const size = flagsSize(n);
        const [ld, st, al] = size === 1 ? [Op.I32Load8U, Op.I32Store8, 0] : size === 2 ? [Op.I32Load16U, Op.I32Store16, 1] : [Op.I32Load, Op.I32Store, 2];
        this.write(dst, st, al, () => {
          this.read(src, ld, al);
          if (n < 32) c.i32((2 ** n - 1) | 0).op(Op.I32And);
        });
        return;
      }
      case 'own':
      case 'borrow':
        this.write(dst, Op.I32Store, 2, () => {
          this.read(src, Op.I32Load, 2);
          c.call(this.f(`${t.k}.lift:${dir.from}:${t.r}`));
          c.call(this.f(`${t.k}.lower:${dir.to}:${t.r}`));
        });
        return;
      case 'record': {
        const offs = fieldOffsets(t.fields);
        let flatAt = 0;
        t.fields.forEach((f, i) => {
          const ft = flatten(f.t);
          this.translate(f.t, this.field(src, flatAt, ft, offs[i]), this.field(dst, flatAt, ft, offs[i]), dir);
          flatAt += ft.length;
        });
        return;
      }
      case 'variant':
        return this.variant(t.cases, src, dst, dir);
      case 'string':
        return this.string(src, dst, dir);
      case 'list':
        return this.list(t.t, src, dst, dir);
      default:
        throw new Error(`adapter: no translation for ${t.k}`);
    }
  }

  private variant(cases: { name: string; t?: ValT }[], src: Src, dst: Dst, dir: Dir): void {
    const c = this.c;
    const n = cases.length;
    const dsize = discriminantSize(n);
    const [ld, st, al] = dsize === 1 ? [Op.I32Load8U, Op.I32Store8, 0] : dsize === 2 ? [Op.I32Load16U, Op.I32Store16, 1] : [Op.I32Load, Op.I32Store, 2];
    const disc = c.local(I32);
    if (src.k === 'flat') c.get(src.locals[0]);
    else this.load(src, ld, al);
    c.set(disc);
    c.get(disc).i32(n).op(Op.I32GeU);
    this.trapIf(T.InvalidDiscriminant, () => c.get(disc), () => c.i32(n));
    this.write(dst, st, al, () => c.get(disc));
    const payloadOff = payloadOffset({ cases });
    const joined = src.k === 'flat' ? src.types.slice(1) : dst.k === 'flat' ? dst.types.slice(1) : [];
    c.block();
    for (let k = 0; k < n; k++) c.block();
    c.get(disc).op(Op.BrTable).u32(n);
    for (let k = 0; k < n; k++) c.u32(k);
    c.u32(n - 1);
    for (let k = 0; k < n; k++) {
      c.end();
      this.variantCase(cases[k].t, src, dst, dir, joined, payloadOff);
      if (k < n - 1) c.br(n - 1 - k);
    }
    c.end();
  }

  private variantCase(t: ValT | undefined, src: Src, dst: Dst, dir: Dir, joined: ValType[], payloadOff: number): void {
    const c = this.c;
    const caseTypes = t ? flatten(t) : [];
    if (t) {
      let s: Src;
      if (src.k === 'flat') {
        const locals = caseTypes.map((ct, i) => {
          const l = c.local(ct);
          c.get(src.locals[1 + i]);
          coerce(c, joined[i], ct);
          c.set(l);
          return l;
        });
        s = { k: 'flat', locals, types: caseTypes };
      } else s = { k: 'mem', side: src.side, addr: src.addr, off: src.off + payloadOff };
      if (dst.k === 'flat') {
        const locals = caseTypes.map((ct) => c.local(ct));
        this.translate(t, s, { k: 'flat', locals, types: caseTypes }, dir);
        caseTypes.forEach((ct, i) => {
          c.get(locals[i]);
          coerce(c, ct, joined[i]);
          c.set(dst.locals[1 + i]);
        });
      } else this.translate(t, s, { k: 'mem', side: dst.side, addr: dst.addr, off: dst.off + payloadOff }, dir);
    }
    if (dst.k === 'flat') {
      for (let i = caseTypes.length; i < joined.length; i++) {
        zero(c, joined[i]);
        c.set(dst.locals[1 + i]);
      }
    }
  }

  /** Reads a (pointer, length) pair of a string or list into two new locals. */
  private pair(src: Src): [number, number] {
    const c = this.c;
    const p = c.local(I32);
    const n = c.local(I32);
    if (src.k === 'flat') {
      c.get(src.locals[0]).set(p);
      c.get(src.locals[1]).set(n);
    } else {
      this.load(src, Op.I32Load, 2);
      c.set(p);
      this.load(src, Op.I32Load, 2, 4);
      c.set(n);
    }
    return [p, n];
  }

  private writePair(dst: Dst, p: number, n: () => void): void {
    const c = this.c;
    if (dst.k === 'flat') {
      c.get(p).set(dst.locals[0]);
      n();
      c.set(dst.locals[1]);
      return;
    }
    c.get(dst.addr).get(p).mem(Op.I32Store, this.memIndex(dst.side), 2, dst.off);
    c.get(dst.addr);
    n();
    c.mem(Op.I32Store, this.memIndex(dst.side), 2, dst.off + 4);
  }

  private list(elem: ValT, src: Src, dst: Dst, dir: Dir): void {
    const c = this.c;
    const { size, align } = layout(elem);
    const [sp, n] = this.pair(src);
    // The byte length, checked against the largest a list may have (and as an i32).
    const bytes = c.local(I32);
    c.get(n).op(Op.I64ExtendI32U).i64(BigInt(size)).op(Op.I64Mul).i64(BigInt(MAX_BYTES)).op(Op.I64GtU);
    this.trapIf(T.ListOutOfBounds);
    c.get(n).i32(size).op(Op.I32Mul).set(bytes);
    this.checkAlign(sp, align, T.ListUnaligned);
    this.checkBounds(dir.from, sp, bytes, T.ListOutOfBounds);
    const dp = this.alloc(dir.to, align, bytes, T.ReallocOutOfBounds);
    if (bitwise(elem)) {
      c.get(dp).get(sp).get(bytes).memoryCopy(this.memIndex(dir.to), this.memIndex(dir.from));
    } else {
      const i = c.local(I32);
      const s = c.local(I32);
      const d = c.local(I32);
      c.get(n).set(i).get(sp).set(s).get(dp).set(d);
      c.block();
      c.get(i).op(Op.I32Eqz).brIf(0);
      c.loop();
      this.translate(elem, { k: 'mem', side: dir.from, addr: s, off: 0 }, { k: 'mem', side: dir.to, addr: d, off: 0 }, dir);
      c.get(s).i32(size).op(Op.I32Add).set(s);
      c.get(d).i32(size).op(Op.I32Add).set(d);
      c.get(i).i32(1).op(Op.I32Sub).tee(i).brIf(0);
      c.end();
      c.end();
    }
    this.writePair(dst, dp, () => c.get(n));
  }

  // ------------------------------------------------------------ strings

  private transcode(kind: X, from: Side, src: () => void, len: () => void, to: Side, dst: () => void, cap: () => void): number {
    const c = this.c;
    const r = c.local(I64);
    c.i32(kind).i32(this.memIndex(from));
    src();
    len();
    c.i32(this.memIndex(to));
    dst();
    cap();
    c.call(this.f('transcode')).set(r);
    return r;
  }

  private lo(r: number): void {
    this.c.get(r).op(Op.I32WrapI64);
  }

  private hi(r: number): void {
    this.c.get(r).i64(32n).op(Op.I64ShrU).op(Op.I32WrapI64);
  }

  /** Traps with "string content out-of-bounds" when `bytes` (pushed as i64) exceeds the largest string. */
  private checkMax(bytes: () => void): void {
    bytes();
    this.c.i64(BigInt(MAX_BYTES)).op(Op.I64GtU);
    this.trapIf(T.StringOutOfBounds);
  }

  private string(src: Src, dst: Dst, dir: Dir): void {
    const c = this.c;
    const from = this.spec[dir.from].encoding;
    const to = this.spec[dir.to].encoding;
    const [sp, tagged] = this.pair(src);
    const outPtr = c.local(I32);
    const outLen = c.local(I32);
    if (from === 'latin1+utf16') {
      c.get(tagged).i32(UTF16_TAG | 0).op(Op.I32And);
      c.if();
      const units = c.local(I32);
      c.get(tagged).i32(UTF16_TAG | 0).op(Op.I32Xor).set(units);
      this.stringFrom('utf16', true, sp, units, to, dir, outPtr, outLen);
      c.else();
      this.stringFrom('latin1', true, sp, tagged, to, dir, outPtr, outLen);
      c.end();
    } else this.stringFrom(from, false, sp, tagged, to, dir, outPtr, outLen);
    this.writePair(dst, outPtr, () => c.get(outLen));
  }

  /**
   * Checks the source string (`units` code units of `enc` at `sp`) and stores it in the
   * destination's encoding, setting `outPtr` / `outLen` (the destination's tagged length).
   */
  private stringFrom(enc: 'utf8' | 'utf16' | 'latin1', fromCompact: boolean, sp: number, units: number, to: StringEncoding, dir: Dir, outPtr: number, outLen: number): void {
    const c = this.c;
    const unit = enc === 'utf16' ? 2 : 1;
    // Source: its byte length within the largest string, aligned (2 bytes for UTF-16 and for the
    // compact encoding), inside its memory.
    this.checkMax(() => c.get(units).op(Op.I64ExtendI32U).i64(BigInt(unit)).op(Op.I64Mul));
    if (unit === 2 || fromCompact) this.checkAlign(sp, 2, T.StringUnaligned);
    this.checkBounds(dir.from, sp, () => c.get(units).op(Op.I64ExtendI32U).i64(BigInt(unit)).op(Op.I64Mul), T.StringOutOfBounds);
    const from = dir.from;
    const dest = dir.to;
    const setOut = (p: number, len: () => void): void => {
      c.get(p).set(outPtr);
      len();
      c.set(outLen);
    };
    const bytesOf = (n: number, factor: number): number => {
      const b = c.local(I32);
      c.get(n).i32(factor).op(Op.I32Mul).set(b);
      return b;
    };
    const copy = (dstAlign: number, factor: number, widen: boolean): void => {
      if (factor > 1) this.checkMax(() => c.get(units).op(Op.I64ExtendI32U).i64(BigInt(factor)).op(Op.I64Mul));
      const bytes = factor === 1 ? units : bytesOf(units, factor);
      const p = this.alloc(dest, dstAlign, bytes, T.StringOutOfBounds);
      if (widen) this.transcode(X.Latin1ToUtf16, from, () => c.get(sp), () => c.get(units), dest, () => c.get(p), () => c.get(units));
      else c.get(p).get(sp).get(bytes).memoryCopy(this.memIndex(dest), this.memIndex(from));
      setOut(p, () => c.get(units));
    };
    const reallocChecked = (p: number, oldSize: () => void, align: number, newSize: () => void, sizeLocal: number): number => {
      const q = this.realloc(dest, () => c.get(p), oldSize, align, newSize);
      this.checkAlign(q, align, T.UnalignedPointer);
      this.checkBounds(dest, q, sizeLocal, T.StringOutOfBounds);
      return q;
    };
    const local = (v: () => void): number => {
      const l = c.local(I32);
      v();
      c.set(l);
      return l;
    };
    switch (to) {
      case 'utf8':
        if (enc === 'utf8') return copy(1, 1, false);
        return this.toUtf8(enc, sp, units, dir, setOut, reallocChecked, local);
      case 'utf16':
        if (enc === 'utf16') return copy(2, 2, false);
        if (enc === 'latin1') return copy(2, 2, true);
        {
          // UTF-8 to UTF-16: the worst case (2 bytes per byte) up front, then shrink.
          this.checkMax(() => c.get(units).op(Op.I64ExtendI32U).i64(2n).op(Op.I64Mul));
          const worst = bytesOf(units, 2);
          const p = this.alloc(dest, 2, worst, T.StringOutOfBounds);
          const r = this.transcode(X.Utf8ToUtf16, from, () => c.get(sp), () => c.get(units), dest, () => c.get(p), () => c.get(units));
          const n = local(() => this.lo(r));
          const used = bytesOf(n, 2);
          c.get(used).get(worst).op(Op.I32LtU);
          c.if();
          const q = reallocChecked(p, () => c.get(worst), 2, () => c.get(used), used);
          c.get(q).set(p);
          c.end();
          setOut(p, () => c.get(n));
        }
        return;
      case 'latin1+utf16':
        if (enc === 'latin1') return copy(2, 1, false);
        if (enc === 'utf16' && fromCompact) return this.probablyUtf16(sp, units, dir, setOut, reallocChecked);
        return this.toCompact(enc, sp, units, dir, setOut, reallocChecked, local, bytesOf);
    }
  }

  /** UTF-16 or Latin-1 to UTF-8: ASCII into an allocation of one byte per unit; at the first other character, the worst case. */
  private toUtf8(
    enc: 'utf16' | 'latin1',
    sp: number,
    units: number,
    dir: Dir,
    setOut: (p: number, len: () => void) => void,
    reallocChecked: (p: number, oldSize: () => void, align: number, newSize: () => void, sizeLocal: number) => number,
    local: (v: () => void) => number,
  ): void {
    const c = this.c;
    const { from, to: dest } = dir;
    const factor = enc === 'utf16' ? 3 : 2;
    const unit = enc === 'utf16' ? 2 : 1;
    const p = this.alloc(dest, 1, units, T.StringOutOfBounds);
    const r = this.transcode(enc === 'utf16' ? X.AsciiFromUtf16 : X.AsciiFromLatin1, from, () => c.get(sp), () => c.get(units), dest, () => c.get(p), () => c.get(units));
    const read = local(() => this.hi(r));
    const out = local(() => c.get(units));
    c.get(read).get(units).op(Op.I32LtU);
    c.if();
    {
      this.checkMax(() => c.get(units).op(Op.I64ExtendI32U).i64(BigInt(factor)).op(Op.I64Mul));
      const worst = local(() => c.get(units).i32(factor).op(Op.I32Mul));
      const q = reallocChecked(p, () => c.get(units), 1, () => c.get(worst), worst);
      c.get(q).set(p);
      const r2 = this.transcode(
        enc === 'utf16' ? X.Utf16ToUtf8 : X.Latin1ToUtf8,
        from,
        () => c.get(sp).get(read).i32(unit).op(Op.I32Mul).op(Op.I32Add),
        () => c.get(units).get(read).op(Op.I32Sub),
        dest,
        () => c.get(p).get(read).op(Op.I32Add),
        () => c.get(worst).get(read).op(Op.I32Sub),
      );
      c.get(read);
      this.lo(r2);
      c.op(Op.I32Add).set(out);
      c.get(out).get(worst).op(Op.I32LtU);
      c.if();
      const q2 = reallocChecked(p, () => c.get(worst), 1, () => c.get(out), out);
      c.get(q2).set(p);
      c.end();
    }
    c.end();
    setOut(p, () => c.get(out));
  }

  /** UTF-8 or UTF-16 to the compact encoding: Latin-1 while it fits, else UTF-16 (tagged). */
  private toCompact(
    enc: 'utf8' | 'utf16',
    sp: number,
    units: number,
    dir: Dir,
    setOut: (p: number, len: () => void) => void,
    reallocChecked: (p: number, oldSize: () => void, align: number, newSize: () => void, sizeLocal: number) => number,
    local: (v: () => void) => number,
    bytesOf: (n: number, factor: number) => number,
  ): void {
    const c = this.c;
    const { from, to: dest } = dir;
    const p = this.alloc(dest, 2, units, T.StringOutOfBounds);
    const r = this.transcode(enc === 'utf16' ? X.Utf16ToLatin1 : X.Utf8ToLatin1, from, () => c.get(sp), () => c.get(units), dest, () => c.get(p), () => c.get(units));
    const read = local(() => this.hi(r));
    const written = local(() => this.lo(r));
    const out = local(() => c.get(written));
    c.get(read).get(units).op(Op.I32LtU);
    c.if();
    {
      // A character beyond Latin-1: UTF-16 at the worst case, the Latin-1 prefix widened in place.
      this.checkMax(() => c.get(units).op(Op.I64ExtendI32U).i64(2n).op(Op.I64Mul));
      const worst = bytesOf(units, 2);
      const q = reallocChecked(p, () => c.get(units), 2, () => c.get(worst), worst);
      c.get(q).set(p);
      this.transcode(X.InflateLatin1, dest, () => c.i32(0), () => c.get(written), dest, () => c.get(p), () => c.get(written));
      if (enc === 'utf16') {
        // The rest of a UTF-16 source is copied as it is.
        c.get(p).get(written).i32(2).op(Op.I32Mul).op(Op.I32Add);
        c.get(sp).get(read).i32(2).op(Op.I32Mul).op(Op.I32Add);
        c.get(units).get(read).op(Op.I32Sub).i32(2).op(Op.I32Mul);
        c.memoryCopy(this.memIndex(dest), this.memIndex(from));
        c.get(written).get(units).get(read).op(Op.I32Sub).op(Op.I32Add).set(out);
      } else {
        const r2 = this.transcode(
          X.Utf8ToUtf16,
          from,
          () => c.get(sp).get(read).op(Op.I32Add),
          () => c.get(units).get(read).op(Op.I32Sub),
          dest,
          () => c.get(p).get(written).i32(2).op(Op.I32Mul).op(Op.I32Add),
          () => c.get(units).get(read).op(Op.I32Sub),
        );
        c.get(written);
        this.lo(r2);
        c.op(Op.I32Add).set(out);
      }
      const used = bytesOf(out, 2);
      c.get(used).get(worst).op(Op.I32LtU);
      c.if();
      const q2 = reallocChecked(p, () => c.get(worst), 2, () => c.get(used), used);
      c.get(q2).set(p);
      c.end();
      c.get(out).i32(UTF16_TAG | 0).op(Op.I32Or).set(out);
    }
    c.else();
    {
      // All Latin-1: shrink to what was written.
      c.get(written).get(units).op(Op.I32LtU);
      c.if();
      const q = reallocChecked(p, () => c.get(units), 2, () => c.get(written), written);
      c.get(q).set(p);
      c.end();
    }
    c.end();
    setOut(p, () => c.get(out));
  }

  /** Compact UTF-16 to the compact encoding: copied, then narrowed to Latin-1 when every unit fits. */
  private probablyUtf16(
    sp: number,
    units: number,
    dir: Dir,
    setOut: (p: number, len: () => void) => void,
    reallocChecked: (p: number, oldSize: () => void, align: number, newSize: () => void, sizeLocal: number) => number,
  ): void {
    const c = this.c;
    const { from, to: dest } = dir;
    const bytes = c.local(I32);
    c.get(units).i32(2).op(Op.I32Mul).set(bytes);
    const p = this.alloc(dest, 2, bytes, T.StringOutOfBounds);
    c.get(p).get(sp).get(bytes).memoryCopy(this.memIndex(dest), this.memIndex(from));
    const out = c.local(I32);
    const r = this.transcode(X.CompressUtf16, dest, () => c.i32(0), () => c.get(units), dest, () => c.get(p), () => c.get(units));
    this.lo(r);
    c.if();
    const q = reallocChecked(p, () => c.get(bytes), 2, () => c.get(units), units);
    c.get(q).set(p);
    c.get(units).set(out);
    c.else();
    c.get(units).i32(UTF16_TAG | 0).op(Op.I32Or).set(out);
    c.end();
    setOut(p, () => c.get(out));
  }

  // ------------------------------------------------------------ the adapter function

  /**
   * The adapter's own signature: the lowering's; from the host's form (an export adapter) the
   * lifting's instead, results spilled to memory coming back as a pointer the adapter allocates
   * in the host memory (so adapters to and from the host's form call each other as lifted).
   */
  signature(): { params: ValType[]; results: ValType[] } {
    return flattenFunc(this.spec.t, this.spec.lower.host ? 'lift' : 'lower');
  }

  body(): Code {
    const { t, lift } = this.spec;
    const lowerSig = this.signature();
    const c = (this.c = new Code(lowerSig.params.length));
    if (this.spec.trap) {
      this.trap(T.CannotEnter);
      return c;
    }
    const calleeSig = flattenFunc(t, 'lift');
    const paramTypes = t.params.map((p) => p.t);
    const flatParams = paramTypes.flatMap((x) => flatten(x));
    const flatResults = t.result ? flatten(t.result) : [];
    const spillParams = flatParams.length > MAX_FLAT_PARAMS;
    const spillResults = flatResults.length > MAX_FLAT_RESULTS;
    const borrows = t.params.some((p) => contains(p.t, (x) => x.k === 'borrow'));
    let mark = -1;
    if (lift.host) {
      mark = c.local(I32);
      c.call(this.f('host.mark')).set(mark);
    }
    // The caller must be allowed to leave its instance.
    c.globalGet(this.flags.lower!).i32(MAY_LEAVE).op(Op.I32And).op(Op.I32Eqz);
    this.trapIf(T.CannotLeave);
    if (borrows) c.call(this.f('call.begin'));
    const dir: Dir = { from: 'lower', to: 'lift' };

    // ---- parameters, caller to callee
    const tuple: ValT = { k: 'tuple', ts: paramTypes };
    const tl = paramTypes.length ? layout(tuple) : { size: 0, align: 1 };
    const offs = fieldOffsets(paramTypes.map((x) => ({ t: x })));
    let srcOf: (i: number, at: number) => Src;
    if (spillParams) {
      const ptr = 0;
      this.checkAlign(ptr, tl.align, T.ParamsUnaligned);
      this.checkBounds('lower', ptr, () => c.i64(BigInt(tl.size)), T.ParamsOutOfBounds);
      srcOf = (i) => ({ k: 'mem', side: 'lower', addr: ptr, off: offs[i] });
    } else {
      srcOf = (i, at) => {
        const ts = flatten(paramTypes[i]);
        return { k: 'flat', locals: ts.map((_, j) => at + j), types: ts };
      };
    }
    const calleeArgs: number[] = [];
    if (calleeSig.params.length === 1 && spillParams) {
      const size = c.local(I32);
      c.i32(tl.size).set(size);
      const p = this.alloc('lift', tl.align, size, T.ReallocOutOfBounds);
      let at = 0;
      paramTypes.forEach((x, i) => {
        this.translate(x, srcOf(i, at), { k: 'mem', side: 'lift', addr: p, off: offs[i] }, dir);
        at += flatten(x).length;
      });
      calleeArgs.push(p);
    } else {
      let at = 0;
      paramTypes.forEach((x, i) => {
        const ts = flatten(x);
        const locals = ts.map((ft) => c.local(ft));
        this.translate(x, srcOf(i, at), { k: 'flat', locals, types: ts }, dir);
        calleeArgs.push(...locals);
        at += ts.length;
      });
    }

    // ---- the call
    for (const a of calleeArgs) c.get(a);
    c.call(this.f('callee'));
    const rawResults = calleeSig.results.map((rt) => c.local(rt));
    for (let i = rawResults.length - 1; i >= 0; i--) c.set(rawResults[i]);

    // ---- results, callee to caller
    const back: Dir = { from: 'lift', to: 'lower' };
    const results: number[] = [];
    if (t.result) {
      const rt = t.result;
      let src: Src;
      if (spillResults) {
        const p = rawResults[0];
        const rl = layout(rt);
        this.checkAlign(p, rl.align, T.ReturnUnaligned);
        this.checkBounds('lift', p, () => c.i64(BigInt(rl.size)), T.ReturnOutOfBounds);
        src = { k: 'mem', side: 'lift', addr: p, off: 0 };
      } else src = { k: 'flat', locals: rawResults, types: flatResults };
      if (spillResults && this.spec.lower.host) {
        const rl = layout(rt);
        const size = c.local(I32);
        c.i32(rl.size).set(size);
        const p = this.alloc('lower', rl.align, size, T.ReallocOutOfBounds);
        this.translate(rt, src, { k: 'mem', side: 'lower', addr: p, off: 0 }, back);
        results.push(p);
      } else if (spillResults) {
        const retptr = lowerSig.params.length - 1;
        const rl = layout(rt);
        this.checkAlign(retptr, rl.align, T.ReturnUnaligned);
        this.checkBounds('lower', retptr, () => c.i64(BigInt(rl.size)), T.ReturnOutOfBounds);
        this.translate(rt, src, { k: 'mem', side: 'lower', addr: retptr, off: 0 }, back);
      } else {
        const locals = flatResults.map((ft) => c.local(ft));
        this.translate(rt, src, { k: 'flat', locals, types: flatResults }, back);
        results.push(...locals);
      }
    }

    // ---- post-return, with the callee's instance not allowed to leave
    if (lift.postReturn) {
      const g = this.flags.lift!;
      const saved = c.local(I32);
      c.globalGet(g).tee(saved).i32(~MAY_LEAVE).op(Op.I32And).globalSet(g);
      for (const r of rawResults) c.get(r);
      c.call(this.f('post-return'));
      c.get(saved).globalSet(g);
    }
    if (borrows) c.call(this.f('call.end'));
    if (lift.host) c.get(mark).call(this.f('host.release'));
    for (const r of results) c.get(r);
    return c;
  }

  finish(): Adapter {
    const sig = this.signature();
    const body = this.body();
    const f = this.m.func(sig, body);
    this.m.export(ADAPTER_EXPORT, ExternKind.Func, f);
    return { bytes: this.m.finish(), imports: this.imports };
  }
}

/** Converts the value on the stack from core type `from` to `to` (variant payload joins). */
function coerce(c: Code, from: ValType, to: ValType): void {
  if (from === to) return;
  if (from === I64 && to === I32) c.op(Op.I32WrapI64);
  else if (from === I64 && to === F32) c.op(Op.I32WrapI64).op(Op.F32ReinterpretI32);
  else if (from === I64 && to === F64) c.op(Op.F64ReinterpretI64);
  else if (from === I32 && to === F32) c.op(Op.F32ReinterpretI32);
  else if (from === I32 && to === I64) c.op(Op.I64ExtendI32U);
  else if (from === F32 && to === I32) c.op(Op.I32ReinterpretF32);
  else if (from === F32 && to === I64) c.op(Op.I32ReinterpretF32).op(Op.I64ExtendI32U);
  else if (from === F64 && to === I64) c.op(Op.I64ReinterpretF64);
  else throw new Error(`adapter: no coercion from 0x${from.toString(16)} to 0x${to.toString(16)}`);
}

function zero(c: Code, t: ValType): void {
  if (t === I64) c.i64(0n);
  else if (t === F32) c.i32(0).op(Op.F32ReinterpretI32);
  else if (t === F64) c.i64(0n).op(Op.F64ReinterpretI64);
  else c.i32(0);
}

function walk(t: ValT, f: (t: ValT) => void): void {
  contains(t, (x) => {
    f(x);
    return false;
  });
}

function contains(t: ValT, p: (t: ValT) => boolean): boolean {
  if (p(t)) return true;
  const d = despecialize(t);
  switch (d.k) {
    case 'list':
      return contains(d.t, p);
    case 'record':
      return d.fields.some((f) => contains(f.t, p));
    case 'variant':
      return d.cases.some((c) => c.t !== undefined && contains(c.t, p));
    default:
      return false;
  }
}

/** The adapter module of `spec`: its bytes and what each of its imports must be given. */
export function generateAdapter(spec: AdapterSpec): Adapter {
  const g = new Gen(spec);
  g.declare();
  return g.finish();
}

