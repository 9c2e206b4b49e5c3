// Frames and addresses: the stack-frame layout of each function, the opcodes that address the
// frame (stack slots, dynamic stack slots), global values, function and symbol addresses, and
// atomics. All of them are ordinary handlers: the interpreter loop only sees control flow.
//
//   frame address (get_frame_pointer) ──> [caller frame pointer | return address]   frame record
//                                         [stack slots ... | dynamic stack slots]   slotBase + offset

import {
  type Function, type Inst, type Type, type GlobalValueData, laneBits, bytes, TRAP_STK_OVF, TRAP_HEAP_OOB,
  externalNameToString, ValueKind, ATOMIC_RMW_OPS,
} from '@windlass/ir';
import { type Value, type Scalar, TrapSignal, UnsupportedError, fromBig, toBig, valuesEqual } from './value';
import { type Handler, argv } from './handlers';
import { loadValue, storeValue, addrOf } from './memops';
import type { Exec, AddressTarget } from './exec';
import { FUNC_BASE, SYMBOL_BASE } from './memory';
import * as I from './intops';

/** Bytes at the start of every frame: the frame record (caller frame pointer, return address). */
export const FRAME_HEADER = 16;

export interface FrameLayout {
  /** Alias-resolved value numbers. */
  canon: Int32Array;
  /** Offset of each stack slot from the slot base. */
  slotOffsets: number[];
  /** Dynamic stack slots: their vector types scale by 1 in the interpreter (no SVE/RVV length). */
  dynSlotOffsets: number[];
  /** Bytes of slots after the frame record. */
  slotBytes: number;
}

const layouts = new WeakMap<Function, FrameLayout>();

export function frameLayout(f: Function): FrameLayout {
  let p = layouts.get(f);
  if (p) return p;
  const canon = new Int32Array(f.valueCount);
  for (let v = 0; v < f.valueCount; v++) {
    let r = v;
    for (let n = 0; f.valueKind[r] === ValueKind.Alias && n < f.valueCount; n++) r = f.valueDef[r];
    canon[v] = r;
  }
  const slotOffsets: number[] = [];
  let size = 0;
  f.stackSlots.forEach((s, k) => {
    if (!s) return;
    const align = Math.max(s.align || 1, Math.min(16, 1 << Math.ceil(Math.log2(Math.max(1, s.size)))));
    size = Math.ceil(size / align) * align;
    slotOffsets[k] = size;
    size += s.size;
  });
  const dynSlotOffsets: number[] = [];
  f.dynamicStackSlots.forEach((s, k) => {
    const dt = s ? f.dynamicTypes[s.dynamicType] : undefined;
    if (!dt) return;
    size = Math.ceil(size / 16) * 16;
    dynSlotOffsets[k] = size;
    size += bytes(dt.baseVectorType);
  });
  p = { canon, slotOffsets, dynSlotOffsets, slotBytes: size };
  layouts.set(f, p);
  return p;
}

/** Allocate a frame for `layout` and make it current (the caller saved the previous one). */
export function enterFrame(x: Exec, layout: FrameLayout): void {
  const frame = x.memory.alloc(FRAME_HEADER + layout.slotBytes, 16);
  if (frame < 0) throw new TrapSignal(TRAP_STK_OVF);
  x.memory.writeAddress(frame, x.frameBase);
  x.layout = layout;
  x.canon = layout.canon;
  x.frameBase = frame;
}

// ------------------------------------------------------------------ names and addresses

export function resolveName(x: Exec, name: string): AddressTarget {
  const fn = x.functions.get(name);
  if (fn) return { kind: 'function', func: fn };
  if (x.libcalls[name]) return { kind: 'libcall', name };
  throw new UnsupportedError(`call to '%${name}': no such function in the file and no libcall of that name`);
}

/** The index of `name` in the function-address table (address FUNC_BASE + 16 * index). */
export function registerAddress(x: Exec, name: string): number {
  let idx = x.addressIndex.get(name);
  if (idx === undefined) {
    idx = x.addressTargets.length;
    x.addressTargets.push(resolveName(x, name));
    x.addressIndex.set(name, idx);
  }
  return idx;
}

/** What a function address points to; anything else traps like a wild jump would. */
export function addressTarget(x: Exec, v: Value): AddressTarget {
  const a = addrOf(v) - FUNC_BASE;
  const t = a >= 0 && a % 16 === 0 ? x.addressTargets[a / 16] : undefined;
  if (!t) throw new TrapSignal(TRAP_HEAP_OOB);
  return t;
}

function globalValue(x: Exec, f: Function, gv: number, depth: number): bigint {
  const d: GlobalValueData | undefined = f.globalValues[gv];
  if (!d || depth > 64) throw new UnsupportedError(`undefined or cyclic global value gv${gv}`);
  switch (d.kind) {
    case 'vmctx': {
      const k = f.signature.params.findIndex((q) => q.purpose === 'vmctx');
      const entry = f.firstBlock;
      if (k < 0 || entry < 0) throw new UnsupportedError(`gv${gv} = vmctx in a function without a vmctx parameter`);
      return toBig(x.regs[f.blockParams[entry][k]] as Scalar);
    }
    case 'iadd_imm':
      return globalValue(x, f, d.base, depth + 1) + d.offset;
    case 'load': {
      const addr = Number(BigInt.asUintN(64, globalValue(x, f, d.base, depth + 1))) + d.offset;
      return toBig(loadValue(x, d.globalType, addr, d.flags) as Scalar);
    }
    case 'symbol': {
      if (d.name.kind === 'testcase' && (x.functions.has(d.name.name) || x.libcalls[d.name.name])) {
        return BigInt(FUNC_BASE + 16 * registerAddress(x, d.name.name)) + d.offset;
      }
      const name = externalNameToString(d.name);
      let s = x.symbols.get(name);
      if (s === undefined) {
        s = SYMBOL_BASE + 16 * x.symbols.size;
        x.symbols.set(name, s);
      }
      return BigInt(s) + d.offset;
    }
    case 'dyn_scale_target_const':
      return 1n;
  }
}

// ------------------------------------------------------------------ handlers

function result(x: Exec, f: Function, i: Inst): { r: number; t: Type } {
  const r = f.pool[f.instResOff[i]];
  return { r, t: f.valueType[r] as Type };
}

function setAddress(x: Exec, f: Function, i: Inst, addr: number | bigint): void {
  const { r, t } = result(x, f, i);
  x.regs[r] = fromBig(laneBits(t), BigInt(addr));
}

const SLOT_FLAGS = TRAP_HEAP_OOB << 8;

function slotAddr(x: Exec, f: Function, i: Inst): number {
  return x.frameBase + FRAME_HEADER + x.layout.slotOffsets[f.instImm0[i]] + f.instImm1[i];
}

function dynSlotAddr(x: Exec, f: Function, i: Inst): number {
  return x.frameBase + FRAME_HEADER + x.layout.dynSlotOffsets[f.instImm0[i]];
}

function storedValue(x: Exec, f: Function, i: Inst, k: number): { v: Value; t: Type } {
  const a = x.canon[f.pool[f.instArgOff[i] + k]];
  return { v: x.regs[a], t: f.valueType[a] as Type };
}

function atomicRmw(x: Exec, f: Function, i: Inst): void {
  const { r, t } = result(x, f, i);
  const bits = laneBits(t);
  const flags = f.instImm0[i];
  const addr = addrOf(argv(x, f, i, 0));
  const old = loadValue(x, t, addr, flags) as Scalar;
  const v = argv(x, f, i, 1) as Scalar;
  let nv: Scalar;
  switch (ATOMIC_RMW_OPS[f.instImm1[i]]) {
    case 'add': nv = I.iadd(bits, old, v); break;
    case 'sub': nv = I.isub(bits, old, v); break;
    case 'and': nv = I.band(bits, old, v); break;
    case 'nand': nv = I.bnot(bits, I.band(bits, old, v)); break;
    case 'or': nv = I.bor(bits, old, v); break;
    case 'xor': nv = I.bxor(bits, old, v); break;
    case 'xchg': nv = v; break;
    case 'umin': nv = I.uminOp(bits, old, v); break;
    case 'umax': nv = I.umaxOp(bits, old, v); break;
    case 'smin': nv = I.sminOp(bits, old, v); break;
    case 'smax': nv = I.smaxOp(bits, old, v); break;
    default: throw new UnsupportedError(`unknown atomic_rmw operation ${f.instImm1[i]}`);
  }
  storeValue(x, t, nv, addr, flags);
  x.regs[r] = old;
}

export const FRAME_HANDLERS: Record<string, Handler> = {
  stack_addr: (x, f, i) => setAddress(x, f, i, slotAddr(x, f, i)),
  stack_load: (x, f, i) => {
    const { r, t } = result(x, f, i);
    x.regs[r] = loadValue(x, t, slotAddr(x, f, i), SLOT_FLAGS);
  },
  stack_store: (x, f, i) => {
    const { v, t } = storedValue(x, f, i, 0);
    storeValue(x, t, v, slotAddr(x, f, i), SLOT_FLAGS);
  },
  dynamic_stack_addr: (x, f, i) => setAddress(x, f, i, dynSlotAddr(x, f, i)),
  dynamic_stack_load: (x, f, i) => {
    const { r, t } = result(x, f, i);
    x.regs[r] = loadValue(x, t, dynSlotAddr(x, f, i), SLOT_FLAGS);
  },
  dynamic_stack_store: (x, f, i) => {
    const { v, t } = storedValue(x, f, i, 0);
    storeValue(x, t, v, dynSlotAddr(x, f, i), SLOT_FLAGS);
  },
  func_addr: (x, f, i) => {
    const ref = f.funcRefs[f.instImm0[i]];
    if (!ref) throw new UnsupportedError(`func_addr of an undeclared function reference`);
    const idx = registerAddress(x, ref.name.kind === 'testcase' ? ref.name.name : externalNameToString(ref.name));
    setAddress(x, f, i, FUNC_BASE + 16 * idx);
  },
  global_value: (x, f, i) => setAddress(x, f, i, globalValue(x, f, f.instImm0[i], 0)),
  symbol_value: (x, f, i) => setAddress(x, f, i, globalValue(x, f, f.instImm0[i], 0)),
  tls_value: (x, f, i) => setAddress(x, f, i, globalValue(x, f, f.instImm0[i], 0)),
  atomic_load: (x, f, i) => {
    const { r, t } = result(x, f, i);
    x.regs[r] = loadValue(x, t, addrOf(argv(x, f, i, 0)), f.instImm0[i]);
  },
  atomic_store: (x, f, i) => {
    const { v, t } = storedValue(x, f, i, 0);
    storeValue(x, t, v, addrOf(argv(x, f, i, 1)), f.instImm0[i]);
  },
  atomic_rmw: atomicRmw,
  atomic_cas: (x, f, i) => {
    const { r, t } = result(x, f, i);
    const addr = addrOf(argv(x, f, i, 0));
    const old = loadValue(x, t, addr, f.instImm0[i]);
    if (valuesEqual(old, argv(x, f, i, 1))) storeValue(x, t, argv(x, f, i, 2), addr, f.instImm0[i]);
    x.regs[r] = old;
  },
  debugtrap: () => {},
  get_frame_pointer: (x, f, i) => setAddress(x, f, i, x.frameBase),
  get_stack_pointer: (x, f, i) => setAddress(x, f, i, x.frameBase),
  get_return_address: (x, f, i) => setAddress(x, f, i, x.frameBase + 8),
};
